package com.audmg.drive.desktop.api;

import java.nio.file.Path;

/** One file in the upload queue. State is written by the worker thread and read by anyone. */
public final class UploadJob {

    public enum State { QUEUED, UPLOADING, DONE, FAILED, CANCELLED }

    private final Path path;
    private final String contentType;
    private final long size;
    private volatile State state = State.QUEUED;
    private volatile long bytesSent;
    private volatile double bytesPerSecond;
    private volatile String error;
    /** The server refused these bytes for good (type, content, size): sending them again cannot help. */
    private volatile boolean permanent;
    private volatile DriveFile result;
    private volatile Cancellation cancellation = new Cancellation();

    UploadJob(Path path, String contentType, long size) {
        this.path = path;
        this.contentType = contentType;
        this.size = size;
    }

    public Path path() {
        return path;
    }

    public String name() {
        return path.getFileName().toString();
    }

    public String contentType() {
        return contentType;
    }

    public long size() {
        return size;
    }

    public State state() {
        return state;
    }

    public long bytesSent() {
        return bytesSent;
    }

    public double progress() {
        return size <= 0 ? 0 : Math.min(1.0, (double) bytesSent / size);
    }

    public double bytesPerSecond() {
        return bytesPerSecond;
    }

    public String error() {
        return error;
    }

    public DriveFile result() {
        return result;
    }

    public boolean isPermanentFailure() {
        return state == State.FAILED && permanent;
    }

    public boolean isFinished() {
        return state == State.DONE || state == State.FAILED || state == State.CANCELLED;
    }

    Cancellation cancellation() {
        return cancellation;
    }

    void reset() {
        cancellation = new Cancellation();
        state = State.QUEUED;
        bytesSent = 0;
        bytesPerSecond = 0;
        error = null;
        permanent = false;
    }

    void state(State s) {
        state = s;
    }

    void progress(long sent, double speed) {
        bytesSent = sent;
        bytesPerSecond = speed;
    }

    void fail(String message) {
        error = message;
        state = State.FAILED;
    }

    void failForGood(String message) {
        permanent = true;
        fail(message);
    }

    void done(DriveFile file) {
        result = file;
        bytesSent = size;
        state = State.DONE;
    }
}
