package com.audmg.drive.bench.cloud;

import com.audmg.drive.local.s3.EmbeddedS3;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/** s3proxy alone, started exactly as the local cloud starts it; prints READY and waits. The start baseline. */
public final class S3Only {
    private S3Only() {
    }

    public static void main(String[] args) throws Exception {
        Path dir = Path.of(args[0]);
        EmbeddedS3 s3 = EmbeddedS3.start(dir.resolve("s3"), dir.resolve("s3-credentials.properties"), 0,
                List.of("bench-data", "bench-media"));
        CountDownLatch stop = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            s3.close();
            stop.countDown();
        }));
        System.out.println("READY " + s3.settings().endpoint());
        System.out.flush();
        stop.await();
    }
}
