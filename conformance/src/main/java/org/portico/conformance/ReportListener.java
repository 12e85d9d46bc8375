package org.portico.conformance;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.platform.engine.TestExecutionResult;
import org.junit.platform.engine.support.descriptor.MethodSource;
import org.junit.platform.launcher.TestExecutionListener;
import org.junit.platform.launcher.TestIdentifier;
import org.junit.platform.launcher.TestPlan;

/**
 * Collects what the reports show: per check its outcome, the reason, and the HTTP exchanges recorded
 * while it ran ({@link ExchangeLog}). A check that never ran because its class's set-up failed or was
 * skipped counts as failed or skipped with that reason, so the summary never hides it.
 */
public final class ReportListener implements TestExecutionListener {

    public enum Outcome { PASSED, FAILED, SKIPPED }

    /** One check (a test) or one class's set-up (a container with exchanges or a failure of its own). */
    public record Result(String id, String className, String method, String displayName, Outcome outcome, String reason,
            Duration duration, List<ExchangeLog.Exchange> exchanges) {}

    /** A class of checks with its own set-up exchanges and its checks in the order they ran. */
    public record Group(String className, String displayName, List<ExchangeLog.Exchange> setUp, String setUpFailure,
            List<Result> results) {}

    private static final java.util.regex.Pattern CHECKLIST_ID = java.util.regex.Pattern.compile(
            "^(\\d+(?:\\.\\d+)*(?:/\\d+(?:\\.\\d+)*)?(?: \\[[\\d.]+])?(?: / (?:G\\d+|\\d+(?:\\.\\d+)*))?|[A-Z]{2,}-[A-Z0-9.-]+)(?=\\s|$)");

    private TestPlan plan;
    private final Map<String, Group> groups = new LinkedHashMap<>();
    private final Map<String, Instant> started = new LinkedHashMap<>();
    private final Map<String, List<ExchangeLog.Exchange>> exchanges = new LinkedHashMap<>();
    private final Deque<String> running = new ArrayDeque<>();

    @Override
    public void testPlanExecutionStarted(TestPlan testPlan) {
        this.plan = testPlan;
        ExchangeLog.drain();
    }

    @Override
    public void executionStarted(TestIdentifier id) {
        // what was recorded since the last boundary belongs to the node that was running (a class's @BeforeAll)
        attach(ExchangeLog.drain());
        running.push(id.getUniqueId());
        started.put(id.getUniqueId(), Instant.now());
        if (isClass(id)) {
            groups.put(id.getUniqueId(), new Group(className(id), id.getDisplayName(), new ArrayList<>(), null, new ArrayList<>()));
        }
    }

    @Override
    public void executionSkipped(TestIdentifier id, String reason) {
        if (id.isTest()) {
            add(id, Outcome.SKIPPED, reason, Duration.ZERO, List.of());
        } else {
            plan.getDescendants(id).stream().filter(TestIdentifier::isTest)
                    .forEach(test -> add(test, Outcome.SKIPPED, reason, Duration.ZERO, List.of()));
        }
    }

    @Override
    public void executionFinished(TestIdentifier id, TestExecutionResult result) {
        attach(ExchangeLog.drain());
        running.remove(id.getUniqueId());
        Duration duration = Duration.between(started.getOrDefault(id.getUniqueId(), Instant.now()), Instant.now());
        List<ExchangeLog.Exchange> own = exchanges.getOrDefault(id.getUniqueId(), List.of());
        Outcome outcome = switch (result.getStatus()) {
            case SUCCESSFUL -> Outcome.PASSED;
            case ABORTED -> Outcome.SKIPPED;
            case FAILED -> Outcome.FAILED;
        };
        String reason = result.getThrowable().map(ReportListener::describe).orElse(null);
        if (id.isTest()) {
            add(id, outcome, reason, duration, own);
            return;
        }
        Group group = groups.get(id.getUniqueId());
        if (group != null) {
            String failure = outcome == Outcome.PASSED ? null : (outcome == Outcome.FAILED ? "set-up failed: " : "skipped: ") + reason;
            groups.put(id.getUniqueId(), new Group(group.className(), group.displayName(), own, failure, group.results()));
        }
        if (outcome != Outcome.PASSED && group != null && plan.getDescendants(id).stream().noneMatch(TestIdentifier::isTest)) {
            // a class whose checks are made as it runs (dynamic tests) and that failed before making any: it counts as one
            group.results().add(new Result("", group.className(), "(class)", id.getDisplayName(), outcome,
                    (outcome == Outcome.FAILED ? "set-up failed: " : "skipped: ") + reason, duration, List.copyOf(own)));
        }
        if (outcome != Outcome.PASSED) {
            // checks that never started: they take the class's outcome
            for (TestIdentifier test : plan.getDescendants(id)) {
                if (test.isTest() && !started.containsKey(test.getUniqueId())) {
                    add(test, outcome, (outcome == Outcome.FAILED ? "not run, the class's set-up failed: " : "not run: ") + reason,
                            Duration.ZERO, List.of());
                    started.put(test.getUniqueId(), Instant.now());
                }
            }
        }
    }

    public List<Group> groups() {
        return List.copyOf(groups.values());
    }

    public List<Result> results() {
        return groups.values().stream().flatMap(g -> g.results().stream()).toList();
    }

    public long count(Outcome outcome) {
        return results().stream().filter(r -> r.outcome() == outcome).count();
    }

    /** {@code N passed, N failed, N skipped}. */
    public String summary() {
        return count(Outcome.PASSED) + " passed, " + count(Outcome.FAILED) + " failed, " + count(Outcome.SKIPPED) + " skipped";
    }

    private void attach(List<ExchangeLog.Exchange> recorded) {
        if (!recorded.isEmpty() && !running.isEmpty()) {
            exchanges.computeIfAbsent(running.peek(), k -> new ArrayList<>()).addAll(recorded);
            List<ExchangeLog.Exchange> kept = exchanges.get(running.peek());
            while (kept.size() > ExchangeLog.KEEP) {
                kept.remove(0);
            }
        }
    }

    private void add(TestIdentifier test, Outcome outcome, String reason, Duration duration, List<ExchangeLog.Exchange> own) {
        Optional<TestIdentifier> parent = plan.getParent(test);
        while (parent.isPresent() && !groups.containsKey(parent.get().getUniqueId())) {
            parent = plan.getParent(parent.get());
        }
        Group group = parent.map(p -> groups.get(p.getUniqueId())).orElseGet(() ->
                groups.computeIfAbsent("?", k -> new Group("(other)", "(other)", new ArrayList<>(), null, new ArrayList<>())));
        String method = test.getSource().filter(MethodSource.class::isInstance).map(s -> ((MethodSource) s).getMethodName())
                .orElse(test.getLegacyReportingName());
        group.results().add(new Result(checklistId(test.getDisplayName()), group.className(), method, test.getDisplayName(),
                outcome, reason, duration, List.copyOf(own)));
    }

    /** The checklist id a display name starts with ({@code 1.9.05}, {@code 3 / G7}, {@code AUT-SYS}), else empty. */
    static String checklistId(String displayName) {
        var m = CHECKLIST_ID.matcher(displayName);
        return m.find() ? m.group(1).trim() : "";
    }

    private static boolean isClass(TestIdentifier id) {
        return id.getSource().filter(org.junit.platform.engine.support.descriptor.ClassSource.class::isInstance).isPresent();
    }

    private static String className(TestIdentifier id) {
        return id.getSource().filter(org.junit.platform.engine.support.descriptor.ClassSource.class::isInstance)
                .map(s -> ((org.junit.platform.engine.support.descriptor.ClassSource) s).getJavaClass().getSimpleName())
                .orElse(id.getDisplayName());
    }

    private static String describe(Throwable t) {
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        if (t.getCause() != null && t.getCause() != t && t.getCause().getMessage() != null
                && !message.contains(t.getCause().getMessage())) {
            message += "\ncaused by: " + t.getCause();
        }
        if (!(t instanceof AssertionError) && !(t instanceof org.opentest4j.TestAbortedException)) {
            message = t.getClass().getSimpleName() + ": " + message;
        }
        return Redaction.body(message); // URLs in assertion messages lose their codes too
    }
}
