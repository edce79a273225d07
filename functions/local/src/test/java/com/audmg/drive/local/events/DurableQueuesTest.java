package com.audmg.drive.local.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.audmg.drive.local.PrivateFiles;
import com.audmg.drive.local.config.Messaging;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.sqs.SqsClient;
import software.amazon.awssdk.services.sqs.model.Message;
import software.amazon.awssdk.services.sqs.model.MessageSystemAttributeName;

/**
 * The embedded SQS keeps its queues and messages in the data folder (QueueJournal): stopped and started again on
 * the same folder, ElasticMQ (over real sockets) has the messages that were waiting, in flight or dead-lettered.
 */
class DurableQueuesTest {
    private static final List<Messaging.Queue> QUEUES = List.of(
            new Messaging.Queue("Dlq", "work-dlq", null, null, null, null, null, null, 0),
            new Messaging.Queue("Work", "work", 5, null, null, null, null, "work-dlq", 2));

    private static EmbeddedSqs start(Path storage) throws Exception {
        return start(storage, QUEUES);
    }

    private static EmbeddedSqs start(Path storage, List<Messaging.Queue> queues) throws Exception {
        EmbeddedSqs sqs = new EmbeddedSqs("000000000000", null);
        sqs.region("eu-west-1");
        sqs.startBackend(storage);
        sqs.open("LOCALKEY", "secret", queues);
        return sqs;
    }

    @Test
    void keptQueue_shouldTakeServerlessYmlsAttributes_whenTheyChangedBetweenStarts(@TempDir Path dataDir)
            throws Exception {
        Path storage = dataDir.resolve("sqs");
        try (EmbeddedSqs sqs = start(storage)) {
            sqs.client().sendMessage(b -> b.queueUrl(sqs.internalUrl("work")).messageBody("kept"));
        }
        List<Messaging.Queue> changed = List.of(QUEUES.get(0),
                new Messaging.Queue("Work", "work", 9, null, null, null, null, "work-dlq", 2));
        try (EmbeddedSqs sqs = start(storage, changed)) {
            assertEquals("9", sqs.client().getQueueAttributes(b -> b.queueUrl(sqs.internalUrl("work"))
                    .attributeNamesWithStrings("VisibilityTimeout")).attributesAsStrings().get("VisibilityTimeout"));
            assertEquals(List.of("kept"), bodies(receive(sqs, "work", 1)));
        }
    }

    private static List<Message> receive(EmbeddedSqs sqs, String queue, int waitSeconds) {
        SqsClient c = sqs.client();
        return c.receiveMessage(b -> b.queueUrl(sqs.internalUrl(queue)).maxNumberOfMessages(10)
                .waitTimeSeconds(waitSeconds).messageSystemAttributeNames(MessageSystemAttributeName.ALL)).messages();
    }

    private static void makeVisible(EmbeddedSqs sqs, Message m) {
        sqs.client().changeMessageVisibility(b -> b.queueUrl(sqs.internalUrl("work"))
                .receiptHandle(m.receiptHandle()).visibilityTimeout(0));
    }

    private static List<String> bodies(List<Message> messages) {
        return messages.stream().map(Message::body).sorted().toList();
    }

    @Test
    void messages_shouldSurviveAStop_whenWaitingInFlightOrDeadLettered(@TempDir Path dataDir) throws Exception {
        Path storage = dataDir.resolve("sqs");
        long[] receivedAt = {0};
        // GIVEN a message dead-lettered, one in flight (received, not deleted) and one waiting.
        try (EmbeddedSqs sqs = start(storage)) {
            SqsClient c = sqs.client();
            c.sendMessage(b -> b.queueUrl(sqs.internalUrl("work")).messageBody("dead"));
            makeVisible(sqs, receive(sqs, "work", 1).get(0));
            makeVisible(sqs, receive(sqs, "work", 1).get(0));
            assertEquals(List.of(), receive(sqs, "work", 0), "the third receive moves it to the DLQ");
            c.sendMessage(b -> b.queueUrl(sqs.internalUrl("work")).messageBody("in-flight"));
            assertEquals(List.of("in-flight"), bodies(receive(sqs, "work", 1)));
            receivedAt[0] = System.nanoTime();
            c.sendMessage(b -> b.queueUrl(sqs.internalUrl("work")).messageBody("waiting"));
        }

        // WHEN the SQS starts again on the same folder
        try (EmbeddedSqs sqs = start(storage)) {
            assertEquals(3, sqs.restoredMessages());
            // THEN the waiting message is there at once, the one in flight only when its visibility ends
            List<Message> first = receive(sqs, "work", 0).stream().filter(m -> m.body().equals("waiting")).toList();
            assertEquals(List.of("waiting"), bodies(first));
            sqs.client().deleteMessage(b -> b.queueUrl(sqs.internalUrl("work"))
                    .receiptHandle(first.get(0).receiptHandle()));
            List<Message> again = List.of();
            long until = System.nanoTime() + 20_000_000_000L;
            while (again.isEmpty() && System.nanoTime() < until) {
                again = receive(sqs, "work", 1);
            }
            assertTrue(System.nanoTime() - receivedAt[0] >= 4_900_000_000L, "in flight until its 5 s visibility ended");
            assertEquals(List.of("in-flight"), bodies(again));
            assertEquals("2", again.get(0).attributes().get(MessageSystemAttributeName.APPROXIMATE_RECEIVE_COUNT));
            // AND the DLQ kept its message
            assertEquals(List.of("dead"), bodies(receive(sqs, "work-dlq", 1)));
        }

        // AND a deleted message stays deleted; nothing in the folder is readable by others
        try (EmbeddedSqs sqs = start(storage)) {
            assertEquals(2, sqs.restoredMessages(), "in-flight and dead, not the deleted one");
        }
        try (Stream<Path> all = Files.walk(storage)) {
            for (Path p : all.toList()) {
                assertEquals(Files.isDirectory(p) ? "rwx------" : "rw-------",
                        PosixFilePermissions.toString(Files.getPosixFilePermissions(p)), p.toString());
            }
        }
        assertTrue(PrivateFiles.isPrivate(storage));
    }

    @Test
    void messageRedrivenAfterItsVisibilityEnded_shouldBeKeptInTheDlqOnly(@TempDir Path dataDir) throws Exception {
        Path storage = dataDir.resolve("sqs");
        List<Messaging.Queue> queues = List.of(QUEUES.get(0),
                new Messaging.Queue("Work", "work", 1, null, null, null, null, "work-dlq", 2));
        String id;
        try (EmbeddedSqs sqs = start(storage, queues)) {
            id = sqs.client().sendMessage(b -> b.queueUrl(sqs.internalUrl("work")).messageBody("poison")).messageId();
            // GIVEN a consumer that fails twice and lets the visibility timeout end (as a function's failure does),
            // long-polling as the event source mappings do: the message comes back during the wait
            assertEquals(List.of("poison"), bodies(receive(sqs, "work", 1)));
            assertEquals(List.of("poison"), bodies(receive(sqs, "work", 3)));
            // WHEN the next long poll moves it to the DLQ
            assertEquals(List.of(), receive(sqs, "work", 3));
            assertEquals(List.of("poison"), bodies(receive(sqs, "work-dlq", 1)));
        }
        // THEN only the DLQ keeps it: a restart does not bring it back to the work queue
        assertTrue(Files.notExists(storage.resolve("work").resolve("messages").resolve(id)));
        assertTrue(Files.exists(storage.resolve("work-dlq").resolve("messages").resolve(id)));
        try (EmbeddedSqs sqs = start(storage, queues)) {
            assertEquals(1, sqs.restoredMessages());
        }
    }

    @Test
    void everyAnsweredChange_shouldBeOnDisk_whenTheClientHearsOfIt_andConcurrentOnesShareAFlush(@TempDir Path dataDir)
            throws Exception {
        Path storage = dataDir.resolve("sqs");
        List<Messaging.Queue> queues = new java.util.ArrayList<>();
        for (int q = 0; q < 4; q++) {
            queues.add(new Messaging.Queue("Q" + q, "q" + q, 30, null, null, null, null, null, 0));
        }
        try (EmbeddedSqs sqs = start(storage, queues)) {
            SqsClient c = sqs.client();
            long flushesBefore = sqs.journalStats().flushes.get();
            long eventsBefore = sqs.journalStats().events.get();
            // WHEN 8 clients send 20 messages each to 4 queues, each checking its message's file at the answer
            int perThread = 20;
            java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(8);
            List<java.util.concurrent.Future<Integer>> results = new java.util.ArrayList<>();
            long start = System.nanoTime();
            for (int t = 0; t < 8; t++) {
                int thread = t;
                results.add(pool.submit(() -> {
                    int onDisk = 0;
                    for (int i = 0; i < perThread; i++) {
                        String queue = "q" + (thread + i) % 4;
                        String body = "m-" + thread + "-" + i;
                        String id = c.sendMessage(b -> b.queueUrl(sqs.internalUrl(queue)).messageBody(body))
                                .messageId();
                        Path file = storage.resolve(queue).resolve("messages").resolve(id);
                        // THEN it is in its file, whole, when the answer comes
                        if (Files.exists(file) && new String(QueueJournal.decode(Files.readAllBytes(file)).content(),
                                java.nio.charset.StandardCharsets.UTF_8).equals(body)) {
                            onDisk++;
                        }
                    }
                    return onDisk;
                }));
            }
            int onDisk = 0;
            for (java.util.concurrent.Future<Integer> f : results) {
                onDisk += f.get(120, java.util.concurrent.TimeUnit.SECONDS);
            }
            double sendMs = (System.nanoTime() - start) / 1e6 / (8 * perThread);
            pool.shutdown();
            assertEquals(8 * perThread, onDisk);
            long flushes = sqs.journalStats().flushes.get() - flushesBefore;
            long events = sqs.journalStats().events.get() - eventsBefore;
            assertEquals(8 * perThread, events);
            // AND a deletion answered is gone from the folder at the answer
            Message m = receive(sqs, "q0", 1).get(0);
            c.deleteMessage(b -> b.queueUrl(sqs.internalUrl("q0")).receiptHandle(m.receiptHandle()));
            assertTrue(Files.notExists(storage.resolve("q0").resolve("messages").resolve(m.messageId())));
            System.out.printf("[journal] %d sends from 8 threads: %.2f ms wall per send, %d events in %d flushes,"
                    + " %.2f ms of writing and syncing per flush%n", events, sendMs, events, flushes,
                    sqs.journalStats().nanos.get() / 1e6 / sqs.journalStats().flushes.get());
        }
    }
}
