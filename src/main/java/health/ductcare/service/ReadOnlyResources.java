package health.ductcare.service;

import ca.uhn.fhir.rest.api.RequestTypeEnum;
import ca.uhn.fhir.rest.server.exceptions.MethodNotAllowedException;
import jakarta.inject.Singleton;
import java.util.Set;
import java.util.function.Supplier;

/**
 * The knowledge artefacts (protocol PlanDefinitions, ActivityDefinitions, ValueSets, OperationDefinitions)
 * come from the service's own files and are read-only through every write path: a write to them is 405 and
 * rolls back. Only the publisher may write them, while it holds the permit.
 */
@Singleton
public class ReadOnlyResources implements ResourceChangeListener {

    public static final Set<String> TYPES = Set.of("PlanDefinition", "ActivityDefinition", "ValueSet",
            "OperationDefinition");

    private final ThreadLocal<Boolean> publishing = ThreadLocal.withInitial(() -> false);

    @Override
    public void onChange(ResourceChange change) {
        if (TYPES.contains(change.type()) && !publishing.get()) {
            throw new MethodNotAllowedException(change.type() + " resources are read-only on this server: they "
                    + "are published from the protocol files", RequestTypeEnum.GET);
        }
    }

    public <T> T publish(Supplier<T> write) {
        publishing.set(true);
        try {
            return write.get();
        } finally {
            publishing.set(false);
        }
    }

    public static boolean isReadOnly(String type) {
        return TYPES.contains(type);
    }
}
