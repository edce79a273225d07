package com.audmg.drive.desktop.model;

import java.net.URI;

/** What plays sound: JavaFX Media in the app ({@code FxAudioEngine}). Callbacks arrive on the ui executor. */
public interface AudioEngine {

    /** Events of one opened track. */
    interface Events {
        void ready(double durationSeconds);

        void ended();

        /** The track cannot be played (format, network); {@code detail} is for logs, not for users. */
        void failed(String detail);
    }

    /** One opened track. */
    interface Track {
        void play();

        void pause();

        void seek(double seconds);

        double position();

        void volume(double v);

        void dispose();
    }

    /** Opens a track; it starts playing once ready if {@link Track#play()} was called. Throws when it cannot. */
    Track open(URI url, Events events) throws Exception;
}
