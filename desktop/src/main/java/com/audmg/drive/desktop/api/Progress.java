package com.audmg.drive.desktop.api;

/** Receives transferred byte counts; called from a background thread. */
@FunctionalInterface
public interface Progress {

    Progress NONE = (done, total) -> { };

    void update(long done, long total);
}
