package com.audmg.drive.local.lambda;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which of Lambda's JVM defaults a function's JAVA_TOOL_OPTIONS replaces (over HTTP: LambdaParityTest). */
class RuntimeDefaultsTest {
    private static List<String> with(String javaToolOptions) {
        return RuntimeDefaults.jvmOptions(Map.of("JAVA_TOOL_OPTIONS", javaToolOptions));
    }

    @Test
    void jvmOptions_shouldLeaveOutOnlyWhatTheFunctionSetsItself() {
        List<String> both = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");
        assertEquals(both, RuntimeDefaults.jvmOptions(Map.of()));
        assertEquals(both, with("  -Xlog:disable  "));
        // a bare +TieredCompilation names no level: Lambda's C1 default stays
        assertEquals(both, with("-XX:+TieredCompilation"));
        assertEquals(List.of("-XX:+UseSerialGC"), with("-XX:+TieredCompilation -XX:TieredStopAtLevel=4"));
        assertEquals(List.of("-XX:+UseSerialGC"), with("-XX:-TieredCompilation"));
        assertEquals(List.of("-XX:TieredStopAtLevel=1"), with("-XX:+UseParallelGC"));
        assertEquals(List.of(), with("-XX:TieredStopAtLevel=1 -XX:+UseShenandoahGC"));
    }
}
