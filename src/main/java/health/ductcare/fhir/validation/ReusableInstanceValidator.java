package health.ductcare.fhir.validation;

import java.lang.reflect.Field;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r5.context.IWorkerContext;
import org.hl7.fhir.r5.fhirpath.IHostApplicationServices;
import org.hl7.fhir.r5.utils.validation.ValidatorSession;
import org.hl7.fhir.r5.utils.xver.XVerExtensionManager;
import org.hl7.fhir.validation.ValidatorSettings;
import org.hl7.fhir.validation.instance.InstanceValidator;

/**
 * An HL7 {@link InstanceValidator} that can validate one resource after another. HAPI builds a new one per
 * validation because a few collections inside it outlive a validation; its constructor re-reads the 1.5 MB OID
 * registry every time, which was two thirds of the CPU of a small validation. This class empties those
 * collections between validations so each one starts from the state of a fresh instance.
 *
 * <p>What the core (org.hl7.fhir.validation 6.7.9) resets itself at the start of every validation: fetchCache,
 * resourceTracker, trackedMessages, messagesToRemove, executionId, validatedContent. What it keeps, and is reset
 * here: statusWarnings (de-duplicates "depends on deprecated/withdrawn" hints, so a kept set would hide them from
 * the next resource), the CodingsObserver's list of every coding seen, xhtmlElementMap (keyed by parsed elements),
 * crLookups (canonical look-ups) and the AI text checks. The private ones are reached by reflection; if a core
 * upgrade renames one, {@link #resetSupported()} is false and callers must not reuse instances.
 *
 * <p>Each instance also holds its own parsed copy of the OID registry (21,000 entries, ~5 MB of heap), only ever
 * read ({@code isKnownOID}); instances of one pool share the first one's copy.
 */
final class ReusableInstanceValidator extends InstanceValidator {

    private static final ResetHandles HANDLES = ResetHandles.resolve();

    private int validations;

    ReusableInstanceValidator(IWorkerContext context, IHostApplicationServices hostServices,
            XVerExtensionManager xverManager, Object sharedOidRegistry) {
        super(context, hostServices, xverManager, new ValidatorSession(), new ValidatorSettings());
        if (sharedOidRegistry != null) {
            HANDLES.setOidRegistry(this, sharedOidRegistry);
        }
    }

    /** This instance's parsed OID registry, to hand to the next instance; null if it cannot be shared. */
    Object oidRegistry() {
        return HANDLES.oidRegistry(this);
    }

    static boolean resetSupported() {
        return HANDLES.failure == null;
    }

    static String resetUnsupportedReason() {
        return HANDLES.failure;
    }

    int validations() {
        return validations;
    }

    /** Called after each validation, successful or not, before the instance is handed out again. */
    void resetAfterValidation() {
        validations++;
        statusWarnings.clear();
        trackedMessages.clear();
        messagesToRemove.clear();
        HANDLES.clear(this);
    }

    /** Reflective access to the private per-validation collections, resolved once. */
    private static final class ResetHandles {
        private final List<Field> ownCollections;
        private final Field codingObserver;
        private final Field codingObserverList;
        private final Field oidRegistry;
        private final String failure;

        private ResetHandles(List<Field> ownCollections, Field codingObserver, Field codingObserverList,
                Field oidRegistry, String failure) {
            this.ownCollections = ownCollections;
            this.codingObserver = codingObserver;
            this.codingObserverList = codingObserverList;
            this.oidRegistry = oidRegistry;
            this.failure = failure;
        }

        static ResetHandles resolve() {
            try {
                List<Field> own = List.of(
                        accessible(InstanceValidator.class, "xhtmlElementMap"),
                        accessible(InstanceValidator.class, "crLookups"),
                        accessible(InstanceValidator.class, "textsToCheck"),
                        accessible(InstanceValidator.class, "textsToCheckKeys"),
                        accessible(InstanceValidator.class, "fetchCache"),
                        accessible(InstanceValidator.class, "resourceTracker"));
                Field observer = accessible(InstanceValidator.class, "codingObserver");
                Field observerList = accessible(observer.getType(), "list");
                return new ResetHandles(own, observer, observerList, oidRegistryField(), null);
            } catch (ReflectiveOperationException | RuntimeException e) {
                return new ResetHandles(List.of(), null, null, null, e.toString());
            }
        }

        /** Optional: without it each instance keeps its own copy, which is only a matter of memory. */
        private static Field oidRegistryField() {
            try {
                Field field = InstanceValidator.class.getDeclaredField("oids");
                if (!field.getType().getName().equals("org.hl7.fhir.utilities.OIDUtilities")) {
                    return null;
                }
                field.setAccessible(true);
                return field;
            } catch (NoSuchFieldException | RuntimeException e) {
                return null;
            }
        }

        Object oidRegistry(InstanceValidator validator) {
            try {
                return oidRegistry == null ? null : oidRegistry.get(validator);
            } catch (IllegalAccessException e) {
                return null;
            }
        }

        void setOidRegistry(InstanceValidator validator, Object registry) {
            try {
                if (oidRegistry != null && oidRegistry.getType().isInstance(registry)) {
                    oidRegistry.set(validator, registry);
                }
            } catch (IllegalAccessException e) {
                // keep the instance's own copy
            }
        }

        private static Field accessible(Class<?> type, String name) throws NoSuchFieldException {
            Field field = type.getDeclaredField(name);
            if (!Collection.class.isAssignableFrom(field.getType()) && !Map.class.isAssignableFrom(field.getType())
                    && !name.equals("codingObserver")) {
                throw new NoSuchFieldException(type.getName() + "." + name + " is no longer a collection");
            }
            field.setAccessible(true);
            return field;
        }

        void clear(InstanceValidator validator) {
            if (failure != null) {
                return;
            }
            try {
                for (Field field : ownCollections) {
                    clearValue(field.get(validator));
                }
                Object observer = codingObserver.get(validator);
                if (observer != null) {
                    clearValue(codingObserverList.get(observer));
                }
            } catch (IllegalAccessException e) {
                throw new IllegalStateException("Cannot reset a reused InstanceValidator", e);
            }
        }

        private static void clearValue(Object value) {
            if (value instanceof Collection<?> collection) {
                collection.clear();
            } else if (value instanceof Map<?, ?> map) {
                map.clear();
            }
        }
    }
}
