package com.audmg.drive.desktop.api;

import java.nio.file.Path;

/** One file in the upload queue. State is written by the worker thread and read by anyone. */
public final class UploadJob {

    public enum State { QUEUED, UPLOADING, DONE, FAILED, CANCELLED }

    private final Path path;
    private final String name;
    private final String contentType;
    private final long size;
    /** The file's modification time when it was queued (ms), or -1: a resumed upload checks it is the same file. */
    private final long modifiedMillis;
    /** Files added together share a batch; newer batches have higher numbers. */
    private final long batch;
    private volatile State state = State.QUEUED;
    private volatile long bytesSent;
    private volatile double bytesPerSecond;
    private volatile String error;
    /** The server refused these bytes for good (type, content, size): sending them again cannot help. */
    private volatile boolean permanent;
    private volatile DriveFile result;
    private volatile Cancellation cancellation = new Cancellation();

    UploadJob(Path path, String name, String contentType, long size, long modifiedMillis, long batch) {
        this.path = path;
        this.name = name;
        this.contentType = contentType;
        this.size = size;
        this.modifiedMillis = modifiedMillis;
        this.batch = batch;
    }

    public Path path() {
        return path;
    }

    /** The name the file gets in the drive: the local name, or a free one ("photo (2).jpg") for "keep both". */
    public String name() {
        return name;
    }

    public long modifiedMillis() {
        return modifiedMillis;
    }

    public long batch() {
        return batch;
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
