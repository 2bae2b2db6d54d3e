package health.ductcare.security;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.AuditEvent;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A full audit queue makes requests wait for the writers instead of losing AuditEvents: plain JUnit. */
class AuditTrailBackpressureTest {

    private static final AuditTrail.Requestor CLINICIAN = new AuditTrail.Requestor("clinician-1", "portal", false);

    /** Stores into a list, but only once the test opens the gate: a database that cannot keep up. */
    private static final class GatedWriter extends AuditEventWriter {
        final CountDownLatch gate = new CountDownLatch(1);
        final List<AuditEvent> stored = new CopyOnWriteArrayList<>();

        GatedWriter() {
            super(null, null);
        }

        @Override
        public void storeAll(List<AuditEvent> events) {
            try {
                gate.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            stored.addAll(events);
        }
    }

    private final GatedWriter writer = new GatedWriter();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final ExecutorService requests = Executors.newFixedThreadPool(8);
    private AuditTrail trail;

    private AuditTrail trail(int queueSize, Duration maxWait) {
        trail = new AuditTrail(writer, Clock.systemUTC(), new CurrentVertxRequest(), registry, true, queueSize, 1,
                maxWait);
        return trail;
    }

    private static AuditTrail.Entry read(int i) {
        return new AuditTrail.Entry(FhirRequest.of("GET", "Condition/c" + i), CLINICIAN, null, null, 1, 200, null);
    }

    private double dropped() {
        return registry.get(AuditTrail.DROPPED_COUNTER).counter().count();
    }

    @AfterEach
    void stop() throws InterruptedException {
        writer.gate.countDown();
        requests.shutdownNow();
        if (trail != null) {
            trail.onStop(null);
        }
    }

    @Test
    void requestsWaitForRoomInsteadOfDroppingAuditEvents() throws Exception {
        AuditTrail trail = trail(2, Duration.ofSeconds(30));
        List<Future<?>> answered = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 20; i++) {
            int n = i;
            answered.add(requests.submit(() -> trail.record(read(n))));
        }
        Thread.sleep(300);
        assertThat(answered.stream().filter(Future::isDone).count())
                .as("requests answered while the writer is stuck and the queue holds 2").isLessThan(20);

        writer.gate.countDown();
        for (Future<?> request : answered) {
            request.get(10, TimeUnit.SECONDS);
        }
        assertThat(trail.awaitIdle(10_000)).isTrue();
        assertThat(writer.stored).hasSize(20);
        assertThat(dropped()).isZero();
    }

    @Test
    void aWriterStuckLongerThanTheMaximumWaitCostsCountedAuditEvents() throws Exception {
        AuditTrail trail = trail(2, Duration.ofMillis(50));
        trail.record(read(0));
        while (registry.get(AuditTrail.QUEUE_GAUGE).gauge().value() > 0) {
            Thread.sleep(5);
        }
        Thread.sleep(100);
        for (int i = 1; i < 10; i++) {
            trail.record(read(i));
        }
        assertThat(dropped()).as("one in the writer's hands, two queued, the rest dropped").isEqualTo(7.0);

        writer.gate.countDown();
        assertThat(trail.awaitIdle(10_000)).isTrue();
        assertThat(writer.stored).hasSize(3);
    }
}
