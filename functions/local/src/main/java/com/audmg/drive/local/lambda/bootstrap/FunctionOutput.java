package com.audmg.drive.local.lambda.bootstrap;

import java.io.ByteArrayOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;

/**
 * stdout and stderr of a shared worker JVM: each line is tagged with the function whose thread wrote it (threads
 * a handler starts inherit its function), so that the local cloud files it under that function's log. Lines of
 * threads that belong to no function go out untagged.
 */
public final class FunctionOutput extends OutputStream {
    /** Starts a tagged line; the function's name follows, then {@link #TAG} again, then the line. */
    public static final char TAG = '\u001f';

    private static final InheritableThreadLocal<String> FUNCTION = new InheritableThreadLocal<>();

    private final OutputStream target;
    private final ThreadLocal<ByteArrayOutputStream> pending = ThreadLocal.withInitial(ByteArrayOutputStream::new);

    private FunctionOutput(OutputStream target) {
        this.target = target;
    }

    static void install() {
        System.setOut(new PrintStream(new FunctionOutput(new FileOutputStream(FileDescriptor.out)), true,
                StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new FunctionOutput(new FileOutputStream(FileDescriptor.err)), true,
                StandardCharsets.UTF_8));
    }

    /** The calling thread, and the threads it starts from now on, write for {@code function}. */
    static void setFunction(String function) {
        FUNCTION.set(function);
    }

    @Override
    public void write(int b) {
        ByteArrayOutputStream line = pending.get();
        line.write(b);
        if (b == '\n') {
            emit(line);
        }
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ByteArrayOutputStream line = pending.get();
        int start = off;
        for (int i = off; i < off + len; i++) {
            if (b[i] == '\n') {
                line.write(b, start, i + 1 - start);
                emit(line);
                start = i + 1;
            }
        }
        line.write(b, start, off + len - start);
    }

    @Override
    public void flush() {
        // Whole lines only: a line goes out when it ends, so that lines of two threads never mix.
    }

    private void emit(ByteArrayOutputStream line) {
        String function = FUNCTION.get();
        byte[] bytes = line.toByteArray();
        line.reset();
        synchronized (target) {
            try {
                if (function != null) {
                    target.write((TAG + function + TAG).getBytes(StandardCharsets.UTF_8));
                }
                target.write(bytes);
                target.flush();
            } catch (java.io.IOException e) {
                // The local cloud is gone; nothing to write to.
            }
        }
    }
}
