package com.audmg.drive.media;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.audmg.drive.Wiring;
import com.audmg.drive.files.FileService;
import com.audmg.drive.files.LibraryStore;
import com.audmg.drive.platform.StructuredLog;

/**
 * {@code backfillMedia} (invoked by hand, once after the pipeline is deployed): processes every kept
 * version and upload that has no processing result, i.e. files stored before the pipeline existed
 * (they show {@code processing: pending} until then). Optional event {@code {"userId": "..."}} limits
 * it to one library. Stops before its deadline and says whether it finished; run it again to go on
 * (processed objects are skipped). Failures of the bytes are recorded as for new uploads; other
 * failures leave the object pending for the next run.
 */
public final class BackfillMediaHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final Duration MARGIN = Duration.ofSeconds(30);

    private final FileService files;
    private final LibraryStore store;
    private final MediaService media;
    private final Clock clock;

    public BackfillMediaHandler() {
        this(Wiring.shared(), System.getenv(), Clock.systemUTC());
    }

    public BackfillMediaHandler(Wiring wiring, Map<String, String> env, Clock clock) {
        this.files = wiring.fileService();
        // A batch job with minutes: it migrates previous-release libraries of any size itself.
        this.store = wiring.libraryStore().migratingInline();
        this.media = ProcessMediaHandler.mediaService(wiring, env, clock);
        this.clock = clock;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Instant deadline = clock.instant().plus(context == null ? Duration.ofMinutes(10)
                : Duration.ofMillis(context.getRemainingTimeInMillis()).minus(MARGIN));
        Optional<String> onlyUser = Optional.ofNullable(event == null ? null : event.get("userId")).map(String::valueOf);
        int libraries = 0;
        int processed = 0;
        int retryLater = 0;
        boolean finished = true;
        for (String userId : (Iterable<String>) onlyUser.map(java.util.stream.Stream::of).orElseGet(store::userIds)::iterator) {
            libraries++;
            for (String[] target : files.unprocessed(userId)) {
                if (!clock.instant().isBefore(deadline)) {
                    finished = false;
                    break;
                }
                StructuredLog.beginRequest();
                MediaService.Outcome outcome = media.process(userId, target[1], 1);
                if (outcome == MediaService.Outcome.DONE) {
                    processed++;
                } else {
                    retryLater++;
                }
            }
            if (!finished) {
                break;
            }
        }
        Map<String, Object> report = new LinkedHashMap<>();
        report.put("libraries", libraries);
        report.put("processed", processed);
        report.put("failedOrRetryLater", retryLater);
        report.put("finished", finished);
        StructuredLog.metric("MediaBackfilled", processed, "Count");
        return report;
    }
}
