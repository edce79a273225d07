package com.audmg.drive.files;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.StructuredLog;

/**
 * Scheduled (EventBridge) clean-up of all libraries ({@link LibrarySweeper}): released bytes once
 * their URL is dead, abandoned uploads, expired trash and versions, old change-log chunks. The event's content is
 * not used. Stops a few seconds before the function's timeout; the next run carries on. Invoked with
 * {@code {"migrateUserId": id}} it migrates that previous-release library (one a request handed over).
 */
public final class SweepUploadsHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final Duration MARGIN = Duration.ofSeconds(10);
    private static final Duration WITHOUT_CONTEXT = Duration.ofMinutes(1);

    private final LibrarySweeper sweeper;

    public SweepUploadsHandler() {
        this(Wiring.shared().librarySweeper());
    }

    public SweepUploadsHandler(LibrarySweeper sweeper) {
        this.sweeper = sweeper;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        // {"migrateUserId": id}: a request found a previous-release library too large to migrate itself.
        Object migrate = event == null ? null : event.get("migrateUserId");
        if (migrate != null) {
            Map<String, Object> summary = new LinkedHashMap<>();
            String userId = String.valueOf(migrate);
            if (!com.audmg.drive.platform.Keys.isId(userId)) {
                summary.put("error", "migrateUserId is not a user id");
                return summary;
            }
            summary.put("migrated", userId);
            summary.put("files", sweeper.migrate(userId));
            return summary;
        }
        Duration budget = context == null ? WITHOUT_CONTEXT
                : Duration.ofMillis(context.getRemainingTimeInMillis()).minus(MARGIN);
        LibrarySweeper.Result result = sweeper.sweep(budget.isNegative() ? Duration.ZERO : budget);
        StructuredLog.metric("AbandonedUploadsRemoved", result.uploadsRemoved(), "Count");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("markers", result.markers());
        summary.put("libraries", result.libraries());
        summary.put("uploadsRemoved", result.uploadsRemoved());
        summary.put("trashPurged", result.trashPurged());
        summary.put("versionsPurged", result.versionsPurged());
        summary.put("finished", result.finished());
        return summary;
    }
}
