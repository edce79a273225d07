package com.audmg.drive.auth;

import java.util.Optional;
import java.util.function.Function;

import com.audmg.drive.platform.Backoff;
import com.audmg.drive.platform.Json;
import com.audmg.drive.platform.JsonObjectStore;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The reservation every budget in S3 makes (the password throttles before bcrypt runs, the per-client budgets of
 * sign-ups and resets): read the budget document, let the budget count the attempt in a copy of it (or refuse), and
 * write the copy only if nobody wrote in between (compare-and-swap), so that concurrent attempts cannot all pass a
 * check before any of them is counted.
 */
final class BudgetDocument {

    private static final int CAS_ATTEMPTS = 8;

    private BudgetDocument() {
    }

    /**
     * Empty: the attempt is counted, verify now. Otherwise the seconds to wait, either as {@code count} answered
     * (nothing is written) or 1 when every attempt lost against concurrent writers (fail closed, never a
     * verification).
     */
    static Optional<Long> reserve(JsonObjectStore store, String key, Function<ObjectNode, Optional<Long>> count) {
        for (int attempt = 0; attempt < CAS_ATTEMPTS; attempt++) {
            Optional<JsonObjectStore.Versioned> current = store.get(key);
            ObjectNode budget = current.map(v -> v.document() instanceof ObjectNode o ? o.deepCopy() : Json.object())
                    .orElseGet(Json::object);
            Optional<Long> wait = count.apply(budget);
            if (wait.isPresent()) {
                return wait;
            }
            try {
                store.replace(key, budget, current.map(JsonObjectStore.Versioned::etag).orElse(null));
                return Optional.empty();
            } catch (JsonObjectStore.ConditionFailedException e) {
                Backoff.pause(attempt);
            }
        }
        return Optional.of(1L);
    }
}
