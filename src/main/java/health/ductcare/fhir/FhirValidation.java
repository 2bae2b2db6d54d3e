package health.ductcare.fhir;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationResult;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import org.hl7.fhir.instance.model.api.IBaseResource;
import org.jboss.logging.Logger;

/**
 * The one R4 validator of the service, against the base profiles, fully offline. Built once; warmed in the
 * background at start-up so liveness is immediate and readiness waits for it.
 */
@Singleton
public class FhirValidation {

    private static final Logger LOG = Logger.getLogger(FhirValidation.class);

    private final FhirContext context;
    private final FhirValidator validator;
    private static final long WARM_UP_WAIT_SECONDS = 180;

    private final CountDownLatch warmedUp = new CountDownLatch(1);
    private volatile boolean warm;
    private volatile String warmUpFailure;

    public FhirValidation(FhirContext context) {
        this.context = context;
        ValidationSupportChain chain = new ValidationSupportChain(
                new DefaultProfileValidationSupport(context),
                new SnapshotGeneratingValidationSupport(context),
                new InMemoryTerminologyServerValidationSupport(context),
                new CommonCodeSystemsTerminologyService(context));
        FhirInstanceValidator instanceValidator = new FhirInstanceValidator(chain);
        instanceValidator.setAnyExtensionsAllowed(true);
        this.validator = context.newValidator().registerValidatorModule(instanceValidator);
    }

    /** Validates the resource as the client sent it, so unknown elements are reported with their path. */
    public ValidationResult validate(String rawResource) {
        awaitWarmUp();
        return validator.validateWithResult(rawResource);
    }

    public ValidationResult validate(IBaseResource resource) {
        awaitWarmUp();
        return validator.validateWithResult(resource);
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

    public boolean isWarm() {
        return warm;
    }

    public String warmUpFailure() {
        return warmUpFailure;
    }

    void warmUpAtStart(@Observes StartupEvent event,
            @ConfigProperty(name = "ductcare.validation.warm-up", defaultValue = "true") boolean warmUp) {
        if (!warmUp) {
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
            validator.validateWithResult("{\"resourceType\":\"Condition\",\"subject\":{\"reference\":\"Patient/warm-up\"},"
                    + "\"code\":{\"coding\":[{\"system\":\"http://snomed.info/sct\",\"code\":\"1287638006\"}]}}");
            warm = true;
            LOG.infof("FHIR validator warm after %d ms", (System.nanoTime() - started) / 1_000_000);
        } catch (RuntimeException e) {
            warmUpFailure = e.getClass().getSimpleName();
            LOG.error("FHIR validator warm-up failed", e);
        } finally {
            warmedUp.countDown();
        }
    }

    public FhirContext context() {
        return context;
    }
}
