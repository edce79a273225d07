package com.audmg.drive.desktop.api;

/** The user cancelled an upload or a download. */
public class TransferCancelledException extends ApiException {

    public TransferCancelledException() {
        super(0, "cancelled", "Cancelled");
    }
}
