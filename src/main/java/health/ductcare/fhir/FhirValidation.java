package health.ductcare.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.IValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.IValidatorModule;
import ca.uhn.fhir.validation.ValidationResult;
import health.ductcare.fhir.validation.LeanDefinitions;
import health.ductcare.fhir.validation.OfflineR4Support;
import health.ductcare.fhir.validation.PooledInstanceValidatorModule;
import health.ductcare.support.Lazy;
import jakarta.inject.Singleton;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.jboss.logging.Logger;

/**
 * The one R4 validator of the service, against the base profiles, fully offline. Built once; warmed in the
 * background at start-up so liveness is immediate and readiness waits for it. Validation runs on a small pool of
 * reused HL7 instance validators ({@link PooledInstanceValidatorModule}, same issues as HAPI's stock
 * FhirInstanceValidator at about a seventh of the CPU); {@code ductcare.validation.pool-size=0} switches back to the stock
 * module, which builds a new one per call.
 */
@Singleton
public class FhirValidation {

    private static final Logger LOG = Logger.getLogger(FhirValidation.class);

    private final FhirContext context;
    private final boolean warmUpEnabled;
    private final boolean compactDefinitions;
    private final Lazy<Validator> validator;
    private static final long WARM_UP_WAIT_SECONDS = 180;

    private final CountDownLatch warmedUp = new CountDownLatch(1);
    private volatile boolean warm;
    private volatile String warmUpFailure;

    public FhirValidation(FhirContext context,
            @ConfigProperty(name = "ductcare.validation.pool-size", defaultValue = "-1") int poolSize,
            @ConfigProperty(name = "ductcare.validation.max-uses-per-validator", defaultValue = "10000")
            int maxUsesPerValidator,
            @ConfigProperty(name = "ductcare.validation.warm-up", defaultValue = "true") boolean warmUpEnabled,
            @ConfigProperty(name = "ductcare.validation.compact-definitions", defaultValue = "true")
            boolean compactDefinitions) {
        this.context = context;
        this.warmUpEnabled = warmUpEnabled;
        this.compactDefinitions = compactDefinitions;
        int resolvedPoolSize = resolvePoolSize(poolSize);
        this.validator = Lazy.of(() -> {
            IValidationSupport support = OfflineR4Support.chain(context);
            return new Validator(context.newValidator().registerValidatorModule(
                    module(support, resolvedPoolSize, maxUsesPerValidator)), support);
        });
    }

    private record Validator(FhirValidator validator, IValidationSupport support) {
    }

    /**
     * Built on first use, normally by the warm-up thread: building it creates the R5 context and initialises the
     * HL7 validator classes (about half a second), which would otherwise delay the moment the server listens.
     */
    private FhirValidator validator() {
        return validator.get().validator();
    }

    /** The validator module for a pool size: 0 is HAPI's stock module, a new InstanceValidator per call. */
    public static IValidatorModule module(IValidationSupport support, int poolSize, int maxUsesPerValidator) {
        if (poolSize == 0) {
            FhirInstanceValidator stock = new FhirInstanceValidator(support);
            stock.setAnyExtensionsAllowed(true);
            return stock;
        }
        PooledInstanceValidatorModule pooled =
                new PooledInstanceValidatorModule(support, poolSize, maxUsesPerValidator);
        if (!pooled.reusesInstances()) {
            LOG.warnf("HL7 validator instances cannot be reset on this core version (%s): each validation "
                    + "builds a new one", pooled.reuseUnsupportedReason());
        }
        return pooled;
    }

    /** Validation is CPU-bound: more concurrent validations than cores would only take turns on them. */
    static int resolvePoolSize(int configured) {
        return configured >= 0 ? configured : Math.max(2, Runtime.getRuntime().availableProcessors());
    }

    /** Validates the resource as the client sent it, so unknown elements are reported with their path. */
    public ValidationResult validate(String rawResource) {
        awaitWarmUp();
        return validator().validateWithResult(rawResource);
    }

    public ValidationResult validate(IBaseResource resource) {
        awaitWarmUp();
        return validator().validateWithResult(resource);
    }

    /**
     * Requests that arrive while the validator warms up (a restart under load) wait for it: each cold validation
     * running in parallel loads the conformance resources again, and a few of them exhaust a 512 MB heap (found by
     * scripts/crash-test.sh). Bounded, so a stuck warm-up answers 503 instead of hanging clients.
     */
    private void awaitWarmUp() {
        if (warm) {
            return;
        }
        try {
            if (!warmedUp.await(WARM_UP_WAIT_SECONDS, TimeUnit.SECONDS)) {
                throw new HttpStatusException(503, "The validator is still starting; retry shortly");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HttpStatusException(503, "The validator is still starting; retry shortly");
        }
    }

    /** Waits until the warm-up has finished (or failed); false when it did not within the time given. */
    public boolean awaitWarmUp(long timeout, TimeUnit unit) throws InterruptedException {
        return warmedUp.await(timeout, unit);
    }

    public boolean isWarm() {
        return warm;
    }

    public String warmUpFailure() {
        return warmUpFailure;
    }

    /** Warms the validator on a background thread; {@code StartupWarmUp} calls it at start-up. */
    public void startWarmUp() {
        if (!warmUpEnabled) {
            warm = true;
            warmedUp.countDown();
            return;
        }
        Thread thread = new Thread(this::warmUp, "validator-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    void warmUp() {
        long started = System.nanoTime();
        try {
            // The first validation loads every R4 StructureDefinition and builds their R5 copies: ready after it.
            // It calls the validator directly: validate() waits for this very warm-up.
            validator().validateWithResult("{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/warm-up\"},"
                    + "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"1287638006\"}]}}");
            if (compactDefinitions) {
                // before readiness: no validation runs alongside while the definitions change
                int compacted = LeanDefinitions.compact(validator.get().support());
                LOG.debugf("Compacted %d StructureDefinitions", compacted);
            }
            warm = true;
            LOG.infof("FHIR validator warm after %d ms", (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            warmUpFailure = e.getClass().getSimpleName();
            LOG.error("FHIR validator warm-up failed", e);
            return;
        } finally {
            warmedUp.countDown();
        }
        warmOtherTypes();
    }

    /**
     * After readiness: the first validation of each other type the service writes most still costs a few hundred
     * ms (its snapshot, value sets and invariants); pay it here rather than in a client's request.
     */
    private void warmOtherTypes() {
        long started = System.nanoTime();
        for (String resource : FOLLOW_UP_WARM_UP) {
            try {
                validate(resource);
            } catch (RuntimeException e) {
                LOG.debugf("Follow-up validator warm-up skipped a resource: %s", e.getClass().getSimpleName());
            }
        }
        LOG.debugf("FHIR validator warm for the other types after %d ms", (System.nanoTime() - started) / 1_000_000);
    }

    private static final java.util.List<String> FOLLOW_UP_WARM_UP = java.util.List.of(
            "{\"resourceType\":\"Patient\",\"gender\":\"female\",\"birthDate\":\"1990-01-01\"}",
            "{\"resourceType\":\"MedicationRequest\",\"status\":\"active\",\"intent\":\"order\","
                    + "\"medicationCodeableConcept\":{\"coding\":[{\"system\":\"http://www.nlm.nih.gov/research/umls/rxnorm\","
                    + "\"code\":\"309114\"}]},\"subject\":{\"reference\":\"Patient/warm-up\"}}",
            "{\"resourceType\":\"CarePlan\",\"status\":\"draft\",\"intent\":\"plan\","
                    + "\"subject\":{\"reference\":\"Patient/warm-up\"},\"activity\":[{\"detail\":{\"status\":\"scheduled\","
                    + "\"scheduledPeriod\":{\"start\":\"2025-01-01T10:00:00Z\"}}}]}",
            "{\"resourceType\":\"Bundle\",\"type\":\"transaction\",\"entry\":[{\"fullUrl\":\"urn:uuid:"
                    + "1f0e7d52-8a67-4ab4-b5a4-4c3a5a0a2b11\",\"resource\":{\"resourceType\":\"Patient\"},"
                    + "\"request\":{\"method\":\"POST\",\"url\":\"Patient\"}}]}",
            "{\"resourceType\":\"Observation\",\"status\":\"final\",\"code\":{\"coding\":[{\"system\":"
                    + "\"http://loinc.org\",\"code\":\"8310-5\"}]},\"valueQuantity\":{\"value\":38.6,\"unit\":\"Cel\","
                    + "\"system\":\"http://unitsofmeasure.org\",\"code\":\"Cel\"}}");

    public FhirContext context() {
        return context;
    }
}
