package health.ductcare;

import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;

/**
 * Starts the service. Quarkus answers a bare 400, before any FHIR handling, to a request URI that
 * {@code java.net.URI} rejects, such as a search with an unencoded {@code |} ({@code identifier=system|value}),
 * which FHIR's own examples and curl users send. The service parses query strings itself and answers malformed
 * percent-encoding with an OperationOutcome, so that check is switched off before the HTTP server starts.
 */
@QuarkusMain
public class DuctCareMain {

    public static final String URI_VALIDATION_PROPERTY = "vertx.disableURIValidation";

    public static void main(String... args) {
        System.setProperty(URI_VALIDATION_PROPERTY, "true");
        Quarkus.run(args);
    }
}
