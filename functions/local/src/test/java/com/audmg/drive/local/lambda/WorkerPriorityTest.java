package com.audmg.drive.local.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Worker processes at a lower CPU priority when {@link LambdaRuntime#WORKER_NICE_PROPERTY} asks for it. */
class WorkerPriorityTest {

    @AfterEach
    void clear() {
        System.clearProperty(LambdaRuntime.WORKER_NICE_PROPERTY);
    }

    @Test
    void withTheProperty_aStartedProcessRunsAtThatNiceLevel_withoutIt_atOurs() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/self/stat")), "no /proc here: nice levels are not readable");
        int ours = niceOf(ProcessHandle.current().pid());
        System.setProperty(LambdaRuntime.WORKER_NICE_PROPERTY, "10");
        assumeTrue(ours < 10, "this JVM already runs at nice " + ours);

        assertEquals(Math.min(19, ours + 10), niceOfStarted(WorkerLauncher.withPriority(List.of("sleep", "5"))));

        System.clearProperty(LambdaRuntime.WORKER_NICE_PROPERTY);
        assertEquals(List.of("sleep", "5"), WorkerLauncher.withPriority(List.of("sleep", "5")));
        assertEquals(ours, niceOfStarted(WorkerLauncher.withPriority(List.of("sleep", "5"))));
    }

    private static int niceOfStarted(List<String> command) throws Exception {
        Process p = new ProcessBuilder(command).start();
        try {
            // nice execs the command: the same process, once it runs sleep
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!Files.readString(Path.of("/proc/" + p.pid() + "/comm")).strip().equals("sleep")) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("the process never became sleep: " + command);
                }
                Thread.sleep(10);
            }
            return niceOf(p.pid());
        } finally {
            p.destroyForcibly();
            p.waitFor(5, TimeUnit.SECONDS);
        }
    }

    /** The nice value: the 19th field of /proc/PID/stat, counted after the command name's closing parenthesis. */
    private static int niceOf(long pid) throws Exception {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }
}
