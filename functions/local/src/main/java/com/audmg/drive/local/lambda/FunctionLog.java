package com.audmg.drive.local.lambda;

import com.audmg.drive.local.PrivateFiles;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A function's log stream: console lines prefixed with its name, and {@code logs/<function>.log}. */
final class FunctionLog implements AutoCloseable {
    private final String prefix;
    private final Writer file;
    private final PrintStream console;

    FunctionLog(String functionName, Path logsDir, PrintStream console) throws IOException {
        PrivateFiles.createDirectories(logsDir);
        this.prefix = "[" + functionName + "] ";
        this.file = new java.io.BufferedWriter(new java.io.OutputStreamWriter(
                PrivateFiles.append(logsDir.resolve(functionName + ".log")), StandardCharsets.UTF_8));
        this.console = console;
    }

    synchronized void line(String line) {
        if (console != null) {
            console.println(prefix + line);
        }
        try {
            file.write(line);
            file.write('\n');
            file.flush();
        } catch (IOException e) {
            // The log file is best effort; the console still has the line.
        }
    }

    /** Copies a worker's output stream line by line on a daemon thread. */
    void pump(InputStream stream, String threadName) {
        Thread t = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                String l;
                while ((l = in.readLine()) != null) {
                    line(l);
                }
            } catch (IOException e) {
                // The worker is gone.
            }
        }, threadName);
        t.setDaemon(true);
        t.start();
    }

    @Override
    public synchronized void close() {
        try {
            file.close();
        } catch (IOException e) {
            // Nothing to do.
        }
    }
}
