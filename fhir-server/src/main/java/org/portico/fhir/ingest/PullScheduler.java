package org.portico.fhir.ingest;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

/**
 * Pulls the sources that are due (ADR 0022): every {@code checkInterval}, each source whose interval
 * has passed since its last run started is pulled, one after the other on one thread. A source whose
 * pull runs already (a manual one, or on another instance) is skipped: {@link Puller} holds a lease.
 * Starts once the application is ready, so a pull never races the start-up.
 */
public final class PullScheduler implements ApplicationListener<ApplicationReadyEvent>, AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(PullScheduler.class);

    private final PullSources pulls;
    private final Puller puller;
    private final Clock clock;
    private final Duration checkInterval;
    private final ThreadPoolTaskScheduler scheduler = new ThreadPoolTaskScheduler();

    public PullScheduler(PullSources pulls, Puller puller, Clock clock, Duration checkInterval) {
        this.pulls = pulls;
        this.puller = puller;
        this.clock = clock;
        this.checkInterval = checkInterval;
        scheduler.setPoolSize(1);
        scheduler.setThreadNamePrefix("portico-pull-");
        scheduler.setDaemon(true);
    }

    @Override
    public void onApplicationEvent(ApplicationReadyEvent event) {
        scheduler.initialize();
        scheduler.scheduleWithFixedDelay(this::tick, checkInterval);
    }

    /** Pulls every source that is due; a failure of one source never stops the others. */
    void tick() {
        try {
            for (PullSource pull : pulls.all()) {
                if (pull.interval().isZero() || !due(pull, clock.instant())) {
                    continue;
                }
                try {
                    puller.pull(pull.sourceId(), "scheduled");
                } catch (RuntimeException e) {
                    log.warn("scheduled pull failed: source={} error={}", pull.sourceId(), e.getClass().getName());
                }
            }
        } catch (RuntimeException e) {
            log.warn("pull scheduler: {}", e.getClass().getName());
        }
    }

    private boolean due(PullSource pull, Instant now) {
        return pulls.lastStarted(pull.sourceId()).map(last -> !last.plus(pull.interval()).isAfter(now)).orElse(true);
    }

    @Override
    public void close() {
        scheduler.shutdown();
    }
}
