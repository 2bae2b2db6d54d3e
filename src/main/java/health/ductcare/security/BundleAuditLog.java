package health.ductcare.security;

import io.quarkus.arc.Arc;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import java.util.List;

/**
 * How transaction and batch processing tells the audit trail what the Bundle of the current request was and what
 * each of its entries did. Outside an HTTP request (internal work) there is no trail to tell.
 */
@ApplicationScoped
public class BundleAuditLog {

    private final Instance<AccessContext> accessContext;

    public BundleAuditLog(Instance<AccessContext> accessContext) {
        this.accessContext = accessContext;
    }

    /** The Bundle's kind ({@code transaction} or {@code batch}) and its entries' outcomes so far (none yet). */
    public void record(String kind, List<BundleEntryAccess> entries) {
        if (Arc.container().requestContext().isActive()) {
            accessContext.get().bundleAccess(new AuditTrail.BundleAccess(kind, entries));
        }
    }
}
