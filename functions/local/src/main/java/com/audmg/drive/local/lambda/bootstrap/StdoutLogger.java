package com.audmg.drive.local.lambda.bootstrap;

import com.amazonaws.services.lambda.runtime.LambdaLogger;
import java.nio.charset.StandardCharsets;

/** Lambda's logger writes to the function's log stream; here that is stdout, captured by the parent. */
final class StdoutLogger implements LambdaLogger {
    static final StdoutLogger INSTANCE = new StdoutLogger();

    @Override
    public void log(String message) {
        System.out.print(message);
        System.out.flush();
    }

    @Override
    public void log(byte[] message) {
        log(new String(message, StandardCharsets.UTF_8));
    }
}
