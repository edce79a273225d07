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
 *     older than any upload URL: repaired (deleted);</li>
 * <li>{@code orphaned_derived}: thumbnails, previews, covers, waveforms or renditions in the derived
 *     bucket of an object no file (or version) references any more, e.g. left by a crash between
 *     deleting a file and its derived objects: repaired (deleted), with the originals' grace period.</li>
 * </ul>
 * <p>Derived objects are safe from a concurrent processMedia: it writes them only after it found a
 * file holding the object, and records them after. The derived bucket is therefore LISTed
 * <em>before</em> the library is read: a derived object in that LIST was written while its object
 * was referenced, so the library read afterwards still references it unless the object was released
 * meanwhile, and then the processor's record is refused (its own clean-up deletes the same names).
 * An object id never becomes referenced again once released.
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
    private final String derivedBucket;

    public LibraryScrubber(LibraryStore store, FileLifecycle lifecycle, ObjectReleaser releaser, JsonObjectStore data,
                           S3Client s3, String mediaBucket, Clock clock) {
        this(store, lifecycle, releaser, data, s3, mediaBucket, clock, null);
    }

    /** @param derivedBucket where derived objects live, or null when there are none */
    public LibraryScrubber(LibraryStore store, FileLifecycle lifecycle, ObjectReleaser releaser, JsonObjectStore data,
                           S3Client s3, String mediaBucket, Clock clock, String derivedBucket) {
        this.derivedBucket = derivedBucket;
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
            // Before the library is read (see the class comment).
            Map<String, List<S3Object>> derived = derivedObjects(userId);
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
            for (Map.Entry<String, List<S3Object>> e : derived.entrySet()) {
                String objectId = e.getKey();
                if (referenced.contains(objectId)
                        || e.getValue().stream().anyMatch(o -> o.lastModified().isAfter(urlsDead))) {
                    continue;
                }
                long bytes = e.getValue().stream().mapToLong(S3Object::size).sum();
                findings.add(new Finding(userId, "orphaned_derived", null, objectId, e.getValue().size()
                        + " objects, " + bytes + " bytes"));
                if (repair && Keys.isId(objectId)) {
                    releaser.deleteDerived(userId, objectId);
                    repaired++;
                }
            }
        }
        return new Report(libraries, files, objects, findings, repaired, true);
    }

    /** The user's derived objects, by the object id they were derived from. */
    private Map<String, List<S3Object>> derivedObjects(String userId) {
        Map<String, List<S3Object>> byObject = new HashMap<>();
        if (derivedBucket == null) {
            return byObject;
        }
        String prefix = userId + "/";
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(derivedBucket).prefix(prefix)).contents()) {
            String rest = o.key().substring(prefix.length());
            int slash = rest.indexOf('/');
            if (slash > 0) {
                byObject.computeIfAbsent(rest.substring(0, slash), k -> new ArrayList<>()).add(o);
            }
        }
        return byObject;
    }
}
