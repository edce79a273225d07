package com.audmg.drive.files;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.amazonaws.services.lambda.runtime.Context;
import com.amazonaws.services.lambda.runtime.RequestHandler;
import com.audmg.drive.Wiring;
import com.audmg.drive.platform.StructuredLog;

/**
 * Checks every library against the stored bytes ({@link LibraryScrubber}); with
 * {@code {"repair": true}} in the event it also repairs what it safely can. Runs on a schedule
 * and as the local cloud's {@code scrub} command; returns the report.
 */
public final class ScrubLibrariesHandler implements RequestHandler<Map<String, Object>, Map<String, Object>> {

    private static final Duration MARGIN = Duration.ofSeconds(10);
    private static final int MAX_LISTED = 1000;

    private final LibraryScrubber scrubber;

    public ScrubLibrariesHandler() {
        this(Wiring.shared().libraryScrubber());
    }

    public ScrubLibrariesHandler(LibraryScrubber scrubber) {
        this.scrubber = scrubber;
    }

    @Override
    public Map<String, Object> handleRequest(Map<String, Object> event, Context context) {
        boolean repair = event != null && Boolean.TRUE.equals(event.get("repair"));
        Duration budget = context == null ? Duration.ofMinutes(10)
                : Duration.ofMillis(context.getRemainingTimeInMillis()).minus(MARGIN);
        LibraryScrubber.Report report = scrubber.scrub(repair, budget.isNegative() ? Duration.ZERO : budget);
        List<Map<String, Object>> findings = new ArrayList<>();
        for (LibraryScrubber.Finding f : report.findings()) {
            if (findings.size() == MAX_LISTED) {
                break;
            }
            Map<String, Object> item = new LinkedHashMap<>();
            item.put("userId", f.userId());
            item.put("problem", f.problem());
            item.put("fileId", f.fileId());
            item.put("objectId", f.objectId());
            item.put("detail", f.detail());
            findings.add(item);
            StructuredLog.warn("scrub: " + f.problem() + " user " + f.userId() + " file " + f.fileId()
                    + " object " + f.objectId() + ": " + f.detail());
        }
        StructuredLog.metric("ScrubFindings", report.findings().size(), "Count");
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("repair", repair);
        summary.put("libraries", report.libraries());
        summary.put("files", report.files());
        summary.put("objects", report.objects());
        summary.put("problems", report.findings().size());
        summary.put("repaired", report.repaired());
        summary.put("finished", report.finished());
        summary.put("findings", findings);
        return summary;
    }
}
