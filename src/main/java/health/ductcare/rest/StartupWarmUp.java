package health.ductcare.rest;

import health.ductcare.fhir.FhirValidation;
import health.ductcare.protocol.ProtocolPublisher;
import health.ductcare.search.SearchParameters;
import io.quarkus.runtime.StartupEvent;
import jakarta.annotation.Priority;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

/**
 * The start-up work that can finish after the server listens, on one background thread started by the first
 * start-up observer, in order of need: the CapabilityStatement first, since clients and load balancers call
 * {@code /fhir/metadata} first; then the FHIRPath engine, which loads the base R4 definitions the validator shares
 * (loaded by one thread, so they are loaded once); then, each on its own thread, the validator warm-up and the
 * publishing of the protocol artefacts, which readiness waits for; once the validator is warm, the search
 * parameters' FHIRPath expressions. On two cores, starting them all at once made the first {@code /metadata}
 * answer wait about a second for CPU and for HAPI's model-scanning lock, and parsing the expressions (2 s of CPU)
 * delayed readiness.
 */
@Singleton
public class StartupWarmUp {

    private static final Logger LOG = Logger.getLogger(StartupWarmUp.class);
    private static final long VALIDATOR_WAIT_SECONDS = 180;

    private final CapabilityStatementFactory capabilityStatement;
    private final FhirValidation validation;
    private final ProtocolPublisher publisher;
    private final SearchParameters searchParameters;
    private final boolean parseSearchExpressions;

    public StartupWarmUp(CapabilityStatementFactory capabilityStatement, FhirValidation validation,
            ProtocolPublisher publisher, SearchParameters searchParameters,
            @ConfigProperty(name = "ductcare.search.warm-up", defaultValue = "true") boolean parseSearchExpressions) {
        this.capabilityStatement = capabilityStatement;
        this.validation = validation;
        this.publisher = publisher;
        this.searchParameters = searchParameters;
        this.parseSearchExpressions = parseSearchExpressions;
    }

    /** First of the start-up observers, so the CapabilityStatement is built while the others run on the main thread. */
    void start(@Observes @Priority(1) StartupEvent event) {
        Thread thread = new Thread(this::run, "startup-warm-up");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        long started = System.nanoTime();
        try {
            capabilityStatement.prepare();
            LOG.debugf("CapabilityStatement ready after %d ms", elapsedMillis(started));
        } catch (RuntimeException e) {
            // Nothing is lost: the first /metadata request builds it again, and reports what went wrong.
            LOG.warnf("Preparing the CapabilityStatement failed: %s", e.getClass().getSimpleName());
        } finally {
            prepareFhirPath();
            validation.startWarmUp();
            publisher.startPublishing();
        }
        if (parseSearchExpressions) {
            try {
                validation.awaitWarmUp(VALIDATOR_WAIT_SECONDS, TimeUnit.SECONDS);
                searchParameters.parseAllExpressions();
                LOG.debugf("Search parameter expressions parsed after %d ms", elapsedMillis(started));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (RuntimeException e) {
                LOG.warnf("Parsing the search parameter expressions stopped early: %s", e.getClass().getSimpleName());
            }
        }
    }

    private void prepareFhirPath() {
        try {
            searchParameters.prepareFhirPath();
        } catch (RuntimeException e) {
            // The first index extraction tries again and reports it.
            LOG.warnf("Building the FHIRPath engine failed: %s", e.getClass().getSimpleName());
        }
    }

    private static long elapsedMillis(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
