package com.audmg.drive.files;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

import com.audmg.drive.platform.JsonObjectStore;
import com.audmg.drive.platform.Keys;

import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Checks every library against the bytes actually stored, and repairs what it safely can:
 * <ul>
 * <li>{@code usage_mismatch}: the head's counters differ from its files: repaired (recounted),
 *     if the library did not change meanwhile;</li>
 * <li>{@code missing_bytes} / {@code size_mismatch}: a kept version or a completed upload whose
 *     object is gone or of another size: reported (nothing can bring bytes back);</li>
 * <li>{@code orphaned_bytes}: an object no file references and no deletion is scheduled for,
 *     older than any upload URL: repaired (deleted).</li>
 * </ul>
 * Per library it reads the segments and LISTs the user's objects (sizes come with the LIST): no
 * request per file. The same code runs as a scheduled function and as the local cloud's
 * {@code scrub} command.
 */
public final class LibraryScrubber {

    public record Finding(String userId, String problem, String fileId, String objectId, String detail) {
    }

    public record Report(int libraries, long files, long objects, List<Finding> findings, int repaired,
                         boolean finished) {
    }

    private final LibraryStore store;
    private final FileLifecycle lifecycle;
    private final ObjectReleaser releaser;
    private final JsonObjectStore data;
    private final S3Client s3;
    private final String mediaBucket;
    private final Clock clock;

    public LibraryScrubber(LibraryStore store, FileLifecycle lifecycle, ObjectReleaser releaser, JsonObjectStore data,
                           S3Client s3, String mediaBucket, Clock clock) {
        this.store = store;
        this.lifecycle = lifecycle;
        this.releaser = releaser;
        this.data = data;
        this.s3 = s3;
        this.mediaBucket = mediaBucket;
        this.clock = clock;
    }

    public Report scrub(boolean repair, Duration budget) {
        Instant deadline = clock.instant().plus(budget);
        Set<String> scheduled = new HashSet<>();
        data.listAll(Keys.GC_PREFIX).forEach(entry -> Keys.parseGcMarker(entry.key())
                .filter(m -> m.bucket() == 'm').ifPresent(m -> {
                    String[] parts = m.target().split("/");
                    if (parts.length == 3) {
                        scheduled.add(parts[0] + "/" + parts[2]);
                    }
                }));
        List<Finding> findings = new ArrayList<>();
        int libraries = 0;
        long files = 0;
        long objects = 0;
        int repaired = 0;
        for (String userId : (Iterable<String>) store.userIds()::iterator) {
            if (!clock.instant().isBefore(deadline)) {
                return new Report(libraries, files, objects, findings, repaired, false);
            }
            LibraryStore.Library library = store.open(userId);
            Map<String, Long> expected = new HashMap<>(); // objectId -> size, for bytes that must exist
            Map<String, String> owner = new HashMap<>();
            Set<String> referenced = new HashSet<>();
            Usage counted = Usage.ZERO;
            LibraryStore.Query all = new LibraryStore.Query(
                    Set.of(FileRecord.PENDING, FileRecord.READY, FileRecord.TRASHED), Optional.empty(), Optional.empty());
            LibraryStore.Position from = null;
            do {
                LibraryStore.Page page = library.list(all, from, FileService.MAX_LIMIT);
                for (FileRecord file : page.items()) {
                    files++;
                    counted = counted.plus(Usage.of(file));
                    referenced.addAll(file.objectIds());
                    for (FileRecord.Version v : file.versions()) {
                        expected.put(v.objectId(), v.size());
                        owner.put(v.objectId(), file.id());
                    }
                }
                from = page.next();
            } while (from != null);
            libraries++;
            if (!counted.equals(library.usage())) {
                findings.add(new Finding(userId, "usage_mismatch", null, null,
                        "head " + library.usage() + ", files " + counted));
                if (repair && store.repairUsage(userId, counted, library.seq())) {
                    repaired++;
                }
            }
            Map<String, S3Object> stored = new HashMap<>();
            for (S3Object object : s3.listObjectsV2Paginator(b -> b.bucket(mediaBucket).prefix(Keys.mediaPrefix(userId)))
                    .contents()) {
                objects++;
                stored.put(object.key().substring(Keys.mediaPrefix(userId).length()), object);
            }
            expected.forEach((objectId, size) -> {
                S3Object object = stored.get(objectId);
                if (object == null) {
                    findings.add(new Finding(userId, "missing_bytes", owner.get(objectId), objectId, size + " bytes"));
                } else if (object.size().longValue() != size.longValue()) {
                    findings.add(new Finding(userId, "size_mismatch", owner.get(objectId), objectId,
                            "recorded " + size + ", stored " + object.size()));
                }
            });
            Instant urlsDead = clock.instant().minus(lifecycle.urlTtl()).minus(FileLifecycle.URL_SETTLE);
            for (Map.Entry<String, S3Object> e : stored.entrySet()) {
                String objectId = e.getKey();
                if (referenced.contains(objectId) || scheduled.contains(userId + "/" + objectId)
                        || e.getValue().lastModified().isAfter(urlsDead)) {
                    continue;
                }
                findings.add(new Finding(userId, "orphaned_bytes", null, objectId, e.getValue().size() + " bytes"));
                if (repair && Keys.isId(objectId)) {
                    releaser.deleteObject(userId, objectId);
                    repaired++;
                }
            }
        }
        return new Report(libraries, files, objects, findings, repaired, true);
    }
}
