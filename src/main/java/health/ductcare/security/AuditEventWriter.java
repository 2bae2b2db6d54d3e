package health.ductcare.security;

import health.ductcare.service.ResourceService;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.List;
import org.hl7.fhir.r4.model.AuditEvent;

/** Stores AuditEvents, many per transaction: one commit for a batch instead of one per request. */
@ApplicationScoped
public class AuditEventWriter {

    private final ResourceService resources;

    public AuditEventWriter(ResourceService resources) {
        this.resources = resources;
    }

    @Transactional
    public void storeAll(List<AuditEvent> events) {
        for (AuditEvent event : events) {
            resources.create("AuditEvent", event);
        }
    }
}
