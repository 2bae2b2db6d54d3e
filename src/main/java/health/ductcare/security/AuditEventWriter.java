package health.ductcare.security;

import health.ductcare.service.ResourceService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;

/** Stores AuditEvents, many per transaction: one commit for a batch instead of one per request. */
@ApplicationScoped
public class AuditEventWriter {

    private final ResourceService resources;
    private final EntityManager entityManager;

    public AuditEventWriter(ResourceService resources, EntityManager entityManager) {
        this.resources = resources;
        this.entityManager = entityManager;
    }

    @Transactional
    public void storeAll(List<AuditEvent> events) {
        for (AuditEvent event : events) {
            resources.create("AuditEvent", event);
            // Each create flushes; rows left attached would make every later flush of the batch dirty-check them.
            entityManager.clear();
        }
    }
}
