package com.audmg.drive.local.events;

import com.audmg.drive.local.PrivateFiles;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.pekko.actor.AbstractActor;
import org.apache.pekko.actor.ActorRef;
import org.apache.pekko.actor.Props;
import org.apache.pekko.pattern.Patterns;
import org.elasticmq.QueueData;
import org.elasticmq.actor.queue.InternalMessage;
import org.elasticmq.actor.queue.OperationSuccessful$;
import org.elasticmq.actor.queue.QueueEvent;
import org.elasticmq.msg.CreateQueue;
import org.elasticmq.msg.RestoreMessages;
import org.elasticmq.persistence.CreateQueueMetadata;
import org.elasticmq.persistence.sql.CreateQueueProtocol$;
import org.elasticmq.persistence.sql.DBMessage;
import scala.Option;
import scala.jdk.javaapi.CollectionConverters;
import scala.util.Right;
import spray.json.JsonParser;

/**
 * Keeps the embedded SQS's queues and messages in the data folder, one folder per queue
 * ({@code <root>/<queue name>/queue.json}) and one owner-only file per message ({@code messages/<id>}), written
 * through a temporary file renamed into place. ElasticMQ reports every change of its state to this actor (a
 * "queue event listener": queue created, changed, deleted; message added, updated at each receive or visibility
 * change, removed) and waits for the answer before it answers the client, so a message a client was told is sent
 * is on disk, and a received one is stored with its next visibility and receive count: after a restart it is
 * invisible until its visibility timeout ends, then delivered again, counting towards the redrive policy.
 *
 * <p>"On disk" means forced to it (fsync), so that a power loss keeps what clients were answered: each message
 * file is written to a temporary file, forced, renamed into place, and its folder synced. Events that reach the
 * journal together (several queues, several clients) are written as one group, each folder synced once for all of
 * them, and their queue actors answered after that ("group commit").
 *
 * <p>ElasticMQ's own SQL message storage does the same into H2 through scalikejdbc's JVM-wide connection pool:
 * two local clouds in one JVM (tests, a desktop app) would share one database. This journal is per instance and
 * reuses ElasticMQ's conversions ({@link DBMessage}, {@link CreateQueueMetadata}) only.
 */
final class QueueJournal extends AbstractActor {
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9_.-]{1,120}");
    private static final int FORMAT = 1;
    private static final Duration ASK = Duration.ofSeconds(10);

    private final Path root;
    private final PrintStream console;
    private final Stats stats;
    /** Message files to write (their bytes) or delete (null) at the next flush, in the order of the events. */
    private final java.util.LinkedHashMap<Path, byte[]> pending = new java.util.LinkedHashMap<>();
    /** The queue actors waiting for the next flush before they answer their clients. */
    private final List<ActorRef> waiting = new ArrayList<>();
    private boolean flushAsked;

    /** Sent by the journal to itself after the events already in its mailbox: they are written together. */
    private enum Flush { INSTANCE }

    /** What the journal wrote, for measurements and tests. */
    static final class Stats {
        final java.util.concurrent.atomic.AtomicLong flushes = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong events = new java.util.concurrent.atomic.AtomicLong();
        final java.util.concurrent.atomic.AtomicLong nanos = new java.util.concurrent.atomic.AtomicLong();
    }

    private QueueJournal(Path root, PrintStream console, Stats stats) {
        this.root = root;
        this.console = console;
        this.stats = stats;
    }

    static Props props(Path root, PrintStream console, Stats stats) {
        return Props.create(QueueJournal.class, () -> new QueueJournal(root, console, stats));
    }

    @Override
    public Receive createReceive() {
        return receiveBuilder()
                .match(QueueEvent.QueueCreated.class, e -> writeQueue(e.queue()))
                .match(QueueEvent.QueueMetadataUpdated.class, e -> writeQueue(e.queue()))
                .match(QueueEvent.QueueDeleted.class, e -> {
                    flush();
                    deleteQueue(e.queueName());
                })
                .match(QueueEvent.MessageAdded.class, e -> {
                    DBMessage message = DBMessage.from(e.message());
                    if (message.deadLetterSourceQueueName().isDefined()) {
                        // Moved here by the redrive policy: ElasticMQ does not always report its removal from the
                        // source queue (not when its visibility timeout had ended), whose file would bring it back
                        // there at the next start.
                        stage(message.deadLetterSourceQueueName().get(), message.messageId(), null, false);
                    }
                    stage(e.queueName(), e.message().id(), message, true);
                })
                .match(QueueEvent.MessageUpdated.class, e -> stage(e.queueName(), e.message().id(),
                        DBMessage.from(e.message()), true))
                .match(QueueEvent.MessageRemoved.class, e -> stage(e.queueName(), e.messageId(), null, true))
                .match(Flush.class, f -> flush())
                .build();
    }

    /**
     * Notes a message's new state (null: removed) and holds the queue actor's answer until it is on the disk.
     * ElasticMQ answers the client only after that answer: a message a client was told is sent, received or deleted
     * is so after a power loss too. Events that arrive together (other queues, other clients) share one flush.
     */
    private void stage(String queue, String id, DBMessage message, boolean answer) {
        try {
            Path file = messageFile(queue, id);
            byte[] bytes = message == null ? null : encode(message);
            pending.remove(file);
            pending.put(file, bytes);
        } catch (RuntimeException e) {
            // Still delivered from memory; only a restart before it is handled would lose it.
            log("message " + id + " of queue " + queue + " not stored: " + e);
        }
        if (answer) {
            waiting.add(getSender());
        }
        if (!flushAsked) {
            flushAsked = true;
            getSelf().tell(Flush.INSTANCE, getSelf());
        }
    }

    /** Writes what is pending: each file forced to the disk, then each folder touched synced once. */
    private void flush() {
        flushAsked = false;
        if (pending.isEmpty() && waiting.isEmpty()) {
            return;
        }
        long start = System.nanoTime();
        java.util.Set<Path> folders = new java.util.LinkedHashSet<>();
        for (java.util.Map.Entry<Path, byte[]> e : pending.entrySet()) {
            Path file = e.getKey();
            try {
                if (e.getValue() == null) {
                    Files.deleteIfExists(file);
                } else {
                    PrivateFiles.write(file, e.getValue(), true);
                }
                folders.add(file.getParent());
            } catch (IOException | RuntimeException ex) {
                log("message file " + file + " not " + (e.getValue() == null ? "removed" : "stored") + ": " + ex);
            }
        }
        for (Path folder : folders) {
            try {
                PrivateFiles.syncFolder(folder);
            } catch (IOException | RuntimeException ex) {
                log("folder " + folder + " not synced: " + ex);
            }
        }
        stats.flushes.incrementAndGet();
        stats.events.addAndGet(waiting.size());
        stats.nanos.addAndGet(System.nanoTime() - start);
        pending.clear();
        for (ActorRef queueActor : waiting) {
            queueActor.tell(OperationSuccessful$.MODULE$, getSelf());
        }
        waiting.clear();
    }

    private Path queueDir(String name) {
        return queueDir(root, name);
    }

    private static Path queueDir(Path root, String name) {
        if (!SAFE.matcher(name).matches() || name.startsWith(".")) {
            throw new IllegalArgumentException("queue name not storable: " + name);
        }
        return root.resolve(name);
    }

    private void writeQueue(QueueData queue) {
        try {
            String json = CreateQueueProtocol$.MODULE$.CreateQueueFormat().write(CreateQueueMetadata.from(queue))
                    .compactPrint();
            Path dir = queueDir(queue.name());
            boolean created = !Files.isDirectory(dir.resolve("messages"));
            PrivateFiles.write(dir.resolve("queue.json"), json.getBytes(StandardCharsets.UTF_8), true);
            PrivateFiles.createDirectories(dir.resolve("messages"));
            PrivateFiles.syncFolder(dir);
            if (created) {
                PrivateFiles.syncFolder(root);
            }
        } catch (IOException | RuntimeException e) {
            log("queue " + queue.name() + " not stored: " + e);
        }
    }

    private void deleteQueue(String name) {
        try {
            Path dir = queueDir(name);
            if (Files.exists(dir)) {
                try (Stream<Path> walk = Files.walk(dir)) {
                    for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                        Files.deleteIfExists(p);
                    }
                }
                PrivateFiles.syncFolder(root);
            }
        } catch (IOException | RuntimeException e) {
            log("deleted queue " + name + " not removed from the data folder: " + e);
        }
    }

    private Path messageFile(String queue, String id) {
        if (!SAFE.matcher(id).matches() || id.startsWith(".")) {
            throw new IllegalArgumentException("message id not storable: " + id);
        }
        return queueDir(queue).resolve("messages").resolve(id);
    }

    /**
     * Recreates the queues stored under {@code root} (dead-letter queues first) and their messages in
     * {@code queueManager}; called before clients are served. What cannot be read is logged and skipped.
     *
     * @return how many messages were restored
     */
    static int restore(Path root, ActorRef queueManager, PrintStream console) {
        int restored = 0;
        List<CreateQueueMetadata> queues = new ArrayList<>();
        try {
            if (Files.isDirectory(root)) {
                try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root, Files::isDirectory)) {
                    for (Path dir : dirs) {
                        Path meta = dir.resolve("queue.json");
                        if (Files.isRegularFile(meta)) {
                            queues.add(CreateQueueProtocol$.MODULE$.CreateQueueFormat().read(JsonParser.apply(spray.json.ParserInput$.MODULE$.apply(
                                    Files.readString(meta)))));
                        }
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            log(console, "stored queues not readable (" + e + "); starting without them");
            return 0;
        }
        // A queue's redrive policy names its dead-letter queue, which must exist first.
        queues.sort(Comparator.comparingInt(q -> q.deadLettersQueue().isDefined() ? 1 : 0));
        for (CreateQueueMetadata q : queues) {
            try {
                Object created = Patterns.ask(queueManager, new CreateQueue(q.toCreateQueueData()), ASK)
                        .toCompletableFuture().get();
                if (!(created instanceof Right<?, ?> right) || !(right.value() instanceof ActorRef queueActor)) {
                    log(console, "stored queue " + q.name() + " not restored: " + created);
                    continue;
                }
                List<InternalMessage> messages = readMessages(root, q.name(), console);
                restored += messages.size();
                Patterns.ask(queueActor, new RestoreMessages(CollectionConverters.asScala(messages).toList()), ASK)
                        .toCompletableFuture().get();
            } catch (Exception e) {
                log(console, "stored queue " + q.name() + " not restored: " + e);
            }
        }
        return restored;
    }

    private static List<InternalMessage> readMessages(Path root, String queue, PrintStream console)
            throws IOException {
        List<InternalMessage> out = new ArrayList<>();
        Path dir = queueDir(root, queue).resolve("messages");
        if (!Files.isDirectory(dir)) {
            return out;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, p -> !p.getFileName().toString()
                .startsWith("."))) {
            for (Path f : files) {
                try {
                    out.add(decode(Files.readAllBytes(f)).toInternalMessage());
                } catch (NoSuchFileException gone) {
                    // Removed meanwhile.
                } catch (IOException | RuntimeException e) {
                    log(console, "stored message " + f + " not readable, skipped: " + e);
                }
            }
        }
        return out;
    }

    static byte[] encode(DBMessage m) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(bytes);
            out.writeInt(FORMAT);
            writeString(out, m.messageId());
            writeBytes(out, m.deliveryReceipts());
            out.writeLong(m.nextDelivery());
            writeBytes(out, m.content());
            writeBytes(out, m.attributes());
            out.writeLong(m.created());
            out.writeBoolean(m.received().isDefined());
            out.writeLong(m.received().isDefined() ? (Long) m.received().get() : 0L);
            out.writeInt(m.receiveCount());
            for (Option<String> o : List.of(m.groupId(), m.deduplicationId(), m.tracingId(), m.sequenceNumber(),
                    m.deadLetterSourceQueueName())) {
                out.writeBoolean(o.isDefined());
                if (o.isDefined()) {
                    writeString(out, o.get());
                }
            }
            out.flush();
            return bytes.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static DBMessage decode(byte[] data) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(data));
        int format = in.readInt();
        if (format != FORMAT) {
            throw new IOException("unknown stored message format " + format);
        }
        String id = readString(in);
        byte[] receipts = readBytes(in);
        long nextDelivery = in.readLong();
        byte[] content = readBytes(in);
        byte[] attributes = readBytes(in);
        long created = in.readLong();
        boolean hasReceived = in.readBoolean();
        long received = in.readLong();
        int receiveCount = in.readInt();
        List<Option<String>> options = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            options.add(in.readBoolean() ? Option.apply(readString(in)) : Option.empty());
        }
        return DBMessage.apply(id, receipts, nextDelivery, content, attributes, created,
                hasReceived ? Option.apply(received) : Option.empty(), receiveCount, options.get(0), options.get(1),
                options.get(2), options.get(3), options.get(4));
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        writeBytes(out, s.getBytes(StandardCharsets.UTF_8));
    }

    private static String readString(DataInputStream in) throws IOException {
        return new String(readBytes(in), StandardCharsets.UTF_8);
    }

    private static void writeBytes(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] readBytes(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        if (n > 8 * 1024 * 1024) {
            throw new IOException("stored field too large: " + n);
        }
        return in.readNBytes(n);
    }

    private void log(String line) {
        log(console, line);
    }

    private static void log(PrintStream console, String line) {
        if (console != null) {
            console.println("[sqs] " + line);
        }
    }

}
