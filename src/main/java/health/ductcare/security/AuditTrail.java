package health.ductcare.security;

import health.ductcare.fhir.RequestIds;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import io.vertx.core.Context;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.time.Duration;
import java.util.Collection;
import java.util.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.jboss.logging.Logger;

/**
 * Records every FHIR interaction as an AuditEvent (who: the user and client, or the application alone for a
 * token that acts for no user; what: the resource and version, or one event per entry of a transaction; the
 * outcome) after its answer is known, stored in batches by background writers from a bounded queue, so the request
 * never fails with it. When the writers fall behind and the queue is full, a request waits for room (up to
 * {@code ductcare.audit.max-wait}) instead of dropping its AuditEvent: the service slows to what it can audit.
 * Only a writer stuck for longer (the database unreachable) or a full queue on an event-loop thread, which must
 * never block, drops events, counted in {@code ductcare.audit.dropped}. AuditEvents carry ids and codes only,
 * never resource bodies or names.
 */
@ApplicationScoped
public class AuditTrail {

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    static final String SUBJECT_SYSTEM = "urn:ductcare:token-subject";
    static final String CLIENT_SYSTEM = "urn:ductcare:client-id";

    private static final int BATCH = 256;
    public static final String DROPPED_COUNTER = "ductcare.audit.dropped";
    public static final String QUEUE_GAUGE = "ductcare.audit.queue.size";

    private final AuditEventWriter batchWriter;
    private final Clock clock;
    private final CurrentVertxRequest currentRequest;
    private final boolean enabled;
    private final Duration maxWait;
    private final BlockingQueue<AuditEvent> queue;
    private final List<Thread> writers = new ArrayList<>();
    /** AuditEvents queued and not yet stored (or given up on): zero means the trail is complete. */
    private final AtomicInteger pending = new AtomicInteger();
    private final Counter droppedCounter;
    private volatile boolean running = true;

    public AuditTrail(AuditEventWriter batchWriter, Clock clock, CurrentVertxRequest currentRequest,
            MeterRegistry registry,
            @ConfigProperty(name = "ductcare.audit.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "ductcare.audit.queue-size", defaultValue = "10000") int queueSize,
            @ConfigProperty(name = "ductcare.audit.writers", defaultValue = "0") int writerCount,
            @ConfigProperty(name = "ductcare.audit.max-wait", defaultValue = "10s") Duration maxWait) {
        this.batchWriter = batchWriter;
        this.clock = clock;
        this.currentRequest = currentRequest;
        this.enabled = enabled;
        this.maxWait = maxWait;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.droppedCounter = Counter.builder(DROPPED_COUNTER)
                .description("AuditEvents not stored: the queue stayed full for ductcare.audit.max-wait")
                .register(registry);
        Gauge.builder(QUEUE_GAUGE, queue, Collection::size)
                .description("AuditEvents waiting for the audit writers").register(registry);
        // 0: half the cores. On 2 cores a second writer only adds contention (bench/RESULTS.md, item 27).
        int count = writerCount > 0 ? writerCount : Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
        for (int i = 1; i <= count; i++) {
            Thread writer = new Thread(this::writeLoop, "ductcare-audit-writer-" + i);
            writer.setDaemon(true);
            writers.add(writer);
        }
        if (enabled) {
            writers.forEach(Thread::start);
        }
    }

    /**
     * Who asked: the token's subject and client, and whether the token acts for no user at all (a backend service
     * with system/ scopes), in which case the client application itself is the requestor.
     */
    public record Requestor(String subject, String clientId, boolean application) {
    }

    /** A transaction or batch: its kind ({@code transaction} or {@code batch}) and what each entry did. */
    public record BundleAccess(String kind, List<BundleEntryAccess> entries) {
        public BundleAccess {
            entries = List.copyOf(entries);
        }
    }

    /**
     * What one answered request was, for the trail: {@code version} is the version a single-resource interaction
     * wrote or returned (null when unknown), {@code bundle} what a transaction or batch did (null otherwise).
     */
    public record Entry(FhirRequest request, Requestor requestor, String compartmentPatient, String createdId,
            Integer version, int status, BundleAccess bundle) {
    }

    public void record(Entry entry) {
        if (!enabled || entry.request() == null) {
            return;
        }
        String requestId = RequestIds.of(currentRequest.getCurrent());
        Date recorded = Date.from(clock.instant());
        for (AuditEvent event : toAuditEvents(entry, requestId, recorded)) {
            pending.incrementAndGet();
            if (!enqueue(event)) {
                pending.decrementAndGet();
                droppedCounter.increment();
                long dropped = (long) droppedCounter.count();
                if (dropped % 1000 == 1) {
                    LOG.warnf("Audit queue full for %s: %d AuditEvents dropped so far", maxWait, dropped);
                }
            }
        }
    }

    private boolean enqueue(AuditEvent event) {
        if (queue.offer(event)) {
            return true;
        }
        if (Context.isOnEventLoopThread() || maxWait.isZero() || maxWait.isNegative()) {
            return false;
        }
        try {
            return queue.offer(event, maxWait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** Drains the queue in batches, one transaction each; a failed batch is retried event by event. */
    private void writeLoop() {
        List<AuditEvent> batch = new ArrayList<>(BATCH);
        while (running || !queue.isEmpty()) {
            try {
                AuditEvent first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                store(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                pending.addAndGet(-batch.size());
                batch.clear();
            }
        }
    }

    private void store(List<AuditEvent> batch) {
        try {
            batchWriter.storeAll(batch);
        } catch (RuntimeException batchFailure) {
            for (AuditEvent event : batch) {
                try {
                    batchWriter.storeAll(List.of(event));
                } catch (RuntimeException e) {
                    LOG.warnf("Could not store an AuditEvent (%s)", e.getClass().getSimpleName());
                }
            }
        }
    }

    /**
     * One AuditEvent per request, except for a transaction or batch whose entries ran: one per entry then, each
     * with the entry's own interaction, action, outcome and resource (IHE BALP's RESTful patterns record one
     * action on one data entity per event), and the Bundle's kind as a second subtype. A Bundle refused as a
     * whole, or a transaction rolled back, touched nothing: one failure event of its kind records the attempt.
     */
    static List<AuditEvent> toAuditEvents(Entry entry, String requestId, Date recorded) {
        FhirRequest request = entry.request();
        BundleAccess bundle = request.interaction() == Interaction.TRANSACTION ? entry.bundle() : null;
        if (bundle != null && !bundle.entries().isEmpty()) {
            List<AuditEvent> events = new ArrayList<>(bundle.entries().size());
            for (BundleEntryAccess access : bundle.entries()) {
                AuditEvent event = newEvent(entry.requestor(), access.interaction(), access.status(), recorded,
                        subtype(access.interaction(), access.type()), bundle.kind());
                addData(event, access.type(), access.id(), access.version(), null, requestId);
                addCompartment(event, entry.compartmentPatient());
                events.add(event);
            }
            return events;
        }
        String subtype = bundle != null ? bundle.kind() : subtype(request.interaction(), request.type());
        AuditEvent event = newEvent(entry.requestor(), request.interaction(), entry.status(), recorded, subtype);
        String id = request.id() != null ? request.id() : entry.createdId();
        addData(event, request.type(), id, entry.version(), request.operation(), requestId);
        addCompartment(event, entry.compartmentPatient());
        return List.of(event);
    }

    private static AuditEvent newEvent(Requestor requestor, Interaction interaction, int status, Date recorded,
            String... subtypes) {
        AuditEvent event = new AuditEvent();
        event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest",
                "RESTful Operation"));
        for (String subtype : subtypes) {
            event.addSubtype(new Coding("http://hl7.org/fhir/restful-interaction", subtype, null));
        }
        event.setAction(AuditEvent.AuditEventAction.fromCode(interaction.auditAction()));
        event.setRecorded(recorded);
        event.setOutcome(status < 400 ? AuditEvent.AuditEventOutcome._0
                : status < 500 ? AuditEvent.AuditEventOutcome._4 : AuditEvent.AuditEventOutcome._8);
        event.setOutcomeDesc("HTTP " + status);
        addAgents(event, requestor);
        event.getSource().setObserver(new Reference().setDisplay("DuctCare FHIR server"))
                .setSite("DuctCare");
        return event;
    }

    /**
     * The data entity: the resource as {@code Type/id/_history/version} when the version is known (R4 asks for a
     * version-specific reference: the very content read or written), {@code Type/id} when it is not, the type
     * alone for a search; a resource instance plays the BALP role "Domain Resource". It also carries the request
     * id, which ties together the events of one request.
     */
    private static void addData(AuditEvent event, String type, String id, Integer version, String operation,
            String requestId) {
        AuditEvent.AuditEventEntityComponent entity = event.addEntity();
        if (type != null) {
            String what = id == null ? type : version == null ? type + "/" + id : type + "/" + id + "/_history/" + version;
            entity.setWhat(new Reference(what));
        }
        entity.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"));
        if (type != null && id != null) {
            entity.setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "4", "Domain Resource"));
        }
        if (operation != null) {
            entity.setName(operation);
        }
        entity.addDetail().setType("X-Request-ID").setValue(new org.hl7.fhir.r4.model.StringType(requestId));
    }

    private static void addCompartment(AuditEvent event, String compartmentPatient) {
        if (compartmentPatient != null) {
            event.addEntity().setWhat(new Reference("Patient/" + compartmentPatient))
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                    .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
        }
    }

    /**
     * A user's token: the human user requests, through the client application. A token that acts for no user: the
     * application requests on its own (DICOM 110150), named by its client id, with the token subject as its
     * alternative id when the two differ.
     */
    private static void addAgents(AuditEvent event, Requestor requestor) {
        if (requestor.application()) {
            AuditEvent.AuditEventAgentComponent application = event.addAgent().setRequestor(true);
            application.getType().addCoding(applicationType());
            if (requestor.clientId() != null) {
                application.setWho(identifier(CLIENT_SYSTEM, requestor.clientId()));
                if (requestor.subject() != null && !requestor.subject().equals(requestor.clientId())) {
                    application.setAltId(requestor.subject());
                }
            } else {
                application.setWho(identifier(SUBJECT_SYSTEM, requestor.subject()));
            }
            return;
        }
        AuditEvent.AuditEventAgentComponent user = event.addAgent().setRequestor(true);
        user.setWho(identifier(SUBJECT_SYSTEM, requestor.subject()));
        user.getType().addCoding(new Coding("http://terminology.hl7.org/CodeSystem/extra-security-role-type",
                "humanuser", "human user"));
        if (requestor.clientId() != null) {
            AuditEvent.AuditEventAgentComponent client = event.addAgent().setRequestor(false);
            client.setWho(identifier(CLIENT_SYSTEM, requestor.clientId()));
            client.getType().addCoding(applicationType());
        }
    }

    private static Coding applicationType() {
        return new Coding("http://dicom.nema.org/resources/ontology/DCM", "110150", "Application");
    }

    private static Reference identifier(String system, String value) {
        return new Reference().setIdentifier(new Identifier().setSystem(system).setValue(value));
    }

    private static String subtype(Interaction interaction, String type) {
        return switch (interaction) {
            case READ -> "read";
            case VREAD -> "vread";
            case HISTORY_INSTANCE -> "history-instance";
            case HISTORY_TYPE -> "history-type";
            case HISTORY_SYSTEM -> "history-system";
            case SEARCH -> type == null ? "search-system" : "search-type";
            case CREATE -> "create";
            case UPDATE -> "update";
            case PATCH -> "patch";
            case DELETE -> "delete";
            case OPERATION -> "operation";
            case TRANSACTION -> "transaction";
            case CAPABILITIES -> "capabilities";
            case OTHER -> "operation";
        };
    }

    /** Lets tests and shutdown wait for the queue to drain. */
    public boolean awaitIdle(long timeoutMillis) throws InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        while (System.currentTimeMillis() < deadline) {
            if (pending.get() == 0) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        long deadline = System.currentTimeMillis() + 5000;
        for (Thread writer : writers) {
            writer.join(Math.max(1, deadline - System.currentTimeMillis()));
        }
        if (!queue.isEmpty()) {
            LOG.warnf("%d AuditEvents not stored at shutdown", queue.size());
        }
    }
}
