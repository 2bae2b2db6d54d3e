package health.ductcare.security;

import ca.uhn.fhir.context.FhirContext;
import health.ductcare.service.ResourceChange;
import health.ductcare.service.ResourceChangeListener;
import health.ductcare.store.ResourceStore;
import jakarta.enterprise.context.ApplicationScoped;
import org.hl7.fhir.instance.model.api.IBaseResource;

/**
 * Checks every write inside its transaction, whoever started it (the REST endpoint, a transaction Bundle entry,
 * an operation): a refusal throws and rolls the whole transaction back, so nothing is half-written.
 */
@ApplicationScoped
public class WriteGuard implements ResourceChangeListener {

    private final AccessPolicy policy;
    private final ResourceStore store;
    private final FhirContext context;

    public WriteGuard(AccessPolicy policy, ResourceStore store, FhirContext context) {
        this.policy = policy;
        this.store = store;
        this.context = context;
    }

    @Override
    public void onChange(ResourceChange change) {
        Interaction interaction = switch (change.kind()) {
            case CREATE -> Interaction.CREATE;
            case UPDATE -> Interaction.UPDATE;
            case DELETE -> Interaction.DELETE;
        };
        policy.checkWrite(interaction, change.type(), change.resource(),
                () -> change.kind() == ResourceChange.Kind.CREATE ? null : replacedVersion(change));
    }

    private IBaseResource replacedVersion(ResourceChange change) {
        int previous = change.stored().version() - 1;
        if (previous < 1) {
            return null;
        }
        return store.findVersion(change.type(), change.stored().id(), previous)
                .filter(version -> !version.deleted && version.json != null)
                .map(version -> version.json)
                .map(json -> (IBaseResource) context.newJsonParser().parseResource(json))
                .orElse(null);
    }
}
