package health.ductcare.security;

import health.ductcare.fhir.RequestIds;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.vertx.http.runtime.CurrentVertxRequest;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Clock;
import java.util.Date;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.r4.model.AuditEvent;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Identifier;
import org.hl7.fhir.r4.model.Reference;
import org.jboss.logging.Logger;

/**
 * Records every FHIR interaction as an AuditEvent (who: the user and client, or the application alone for a
 * token that acts for no user; what: type/id; the
 * outcome) after its answer is known, in its own transaction on a small bounded background queue: the request
 * neither waits for it nor fails with it. AuditEvents carry ids and codes only, never resource bodies or names.
 */
@ApplicationScoped
public class AuditTrail {

    private static final Logger LOG = Logger.getLogger(AuditTrail.class);
    static final String SUBJECT_SYSTEM = "urn:ductcare:token-subject";
    static final String CLIENT_SYSTEM = "urn:ductcare:client-id";

    private static final int BATCH = 256;

    private final AuditEventWriter batchWriter;
    private final Clock clock;
    private final CurrentVertxRequest currentRequest;
    private final boolean enabled;
    private final BlockingQueue<AuditEvent> queue;
    private final Thread writer;
    private final AtomicLong dropped = new AtomicLong();
    private volatile boolean running = true;
    private volatile boolean writing;

    public AuditTrail(AuditEventWriter batchWriter, Clock clock, CurrentVertxRequest currentRequest,
            @ConfigProperty(name = "ductcare.audit.enabled", defaultValue = "true") boolean enabled,
            @ConfigProperty(name = "ductcare.audit.queue-size", defaultValue = "10000") int queueSize) {
        this.batchWriter = batchWriter;
        this.clock = clock;
        this.currentRequest = currentRequest;
        this.enabled = enabled;
        this.queue = new ArrayBlockingQueue<>(queueSize);
        this.writer = new Thread(this::writeLoop, "ductcare-audit-writer");
        this.writer.setDaemon(true);
        if (enabled) {
            this.writer.start();
        }
    }

    /**
     * Who asked: the token's subject and client, and whether the token acts for no user at all (a backend service
     * with system/ scopes), in which case the client application itself is the requestor.
     */
    public record Requestor(String subject, String clientId, boolean application) {
    }

    /** What one answered request was, for the trail. */
    public record Entry(FhirRequest request, Requestor requestor, String compartmentPatient, String createdId,
            int status) {
    }

    public void record(Entry entry) {
        if (!enabled || entry.request() == null) {
            return;
        }
        String requestId = RequestIds.of(currentRequest.getCurrent());
        Date recorded = Date.from(clock.instant());
        if (!queue.offer(toAuditEvent(entry, requestId, recorded))) {
            // A full queue means the database cannot keep up: the request must still be served.
            if (dropped.incrementAndGet() % 1000 == 1) {
                LOG.warnf("Audit queue full: %d AuditEvents dropped so far", dropped.get());
            }
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
                writing = true;
                batch.add(first);
                queue.drainTo(batch, BATCH - 1);
                store(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } finally {
                batch.clear();
                writing = false;
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

    static AuditEvent toAuditEvent(Entry entry, String requestId, Date recorded) {
        FhirRequest request = entry.request();
        AuditEvent event = new AuditEvent();
        event.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-event-type", "rest",
                "RESTful Operation"));
        event.addSubtype(new Coding("http://hl7.org/fhir/restful-interaction", subtype(request), null));
        event.setAction(AuditEvent.AuditEventAction.fromCode(request.interaction().auditAction()));
        event.setRecorded(recorded);
        int status = entry.status();
        event.setOutcome(status < 400 ? AuditEvent.AuditEventOutcome._0
                : status < 500 ? AuditEvent.AuditEventOutcome._4 : AuditEvent.AuditEventOutcome._8);
        event.setOutcomeDesc("HTTP " + status);
        addAgents(event, entry.requestor());
        event.getSource().setObserver(new Reference().setDisplay("DuctCare FHIR server"))
                .setSite("DuctCare");
        String id = request.id() != null ? request.id() : entry.createdId();
        String what = request.type() == null ? null : id == null ? request.type() : request.type() + "/" + id;
        AuditEvent.AuditEventEntityComponent entity = event.addEntity();
        if (what != null) {
            entity.setWhat(new Reference(what));
        }
        entity.setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "2", "System Object"));
        if (request.operation() != null) {
            entity.setName(request.operation());
        }
        entity.addDetail().setType("X-Request-ID").setValue(new org.hl7.fhir.r4.model.StringType(requestId));
        if (entry.compartmentPatient() != null) {
            event.addEntity().setWhat(new Reference("Patient/" + entry.compartmentPatient()))
                    .setType(new Coding("http://terminology.hl7.org/CodeSystem/audit-entity-type", "1", "Person"))
                    .setRole(new Coding("http://terminology.hl7.org/CodeSystem/object-role", "1", "Patient"));
        }
        return event;
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

    private static String subtype(FhirRequest request) {
        return switch (request.interaction()) {
            case READ -> "read";
            case VREAD -> "vread";
            case HISTORY_INSTANCE -> "history-instance";
            case HISTORY_TYPE -> "history-type";
            case HISTORY_SYSTEM -> "history-system";
            case SEARCH -> request.type() == null ? "search-system" : "search-type";
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
            if (queue.isEmpty() && !writing) {
                return true;
            }
            Thread.sleep(10);
        }
        return false;
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        running = false;
        writer.join(5000);
        if (!queue.isEmpty()) {
            LOG.warnf("%d AuditEvents not stored at shutdown", queue.size());
        }
    }
}
