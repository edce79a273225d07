package com.audmg.drive.files;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.StructuredLog;

/**
 * Scheduled (EventBridge) removal of abandoned uploads of all users. The event's content is
 * not used. Stops a few seconds before the function's timeout; the next run carries on.
 */
public final class SweepUploadsHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final Duration MARGIN = Duration.ofSeconds(10);
    private static final Duration WITHOUT_CONTEXT = Duration.ofMinutes(1);

    private final UploadSweeper sweeper;

    public SweepUploadsHandler() {
        this(Wiring.shared().uploadSweeper());
    }

    public SweepUploadsHandler(UploadSweeper sweeper) {
        this.sweeper = sweeper;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        Duration budget = context == null ? WITHOUT_CONTEXT
                : Duration.ofMillis(context.getRemainingTimeInMillis()).minus(MARGIN);
        UploadSweeper.Result result = sweeper.sweep(budget.isNegative() ? Duration.ZERO : budget);
        StructuredLog.metric("AbandonedUploadsRemoved", result.removed(), "Count");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("scanned", result.scanned());
        summary.put("removed", result.removed());
        summary.put("finished", result.finished());
        return summary;
    }
}
