package health.ductcare.fhir;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.rest.server.exceptions.BaseServerResponseException;
import ca.uhn.fhir.validation.ValidationResult;
import health.ductcare.observability.ValidationMetrics;
import health.ductcare.security.InputLimits;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

class IncomingResourcesTest {

    private static final String PATIENT = "{\"resourceType\":\"Patient\"}";

    private static IncomingResources failingWith(RuntimeException failure) {
        FhirContext context = FhirContext.forR4Cached();
        FhirValidation validation = new FhirValidation(context, 1, 10, false, false) {
            @Override
            public ValidationResult validate(String rawResource) {
                throw failure;
            }
        };
        return new IncomingResources(context, validation, new InputLimits(100, 1000),
                new ValidationMetrics(new SimpleMeterRegistry()));
    }

    @Test
    void aValidatorThatIsStillStartingAnswersItsOwnStatusNotABadRequest() {
        IncomingResources incoming = failingWith(new HttpStatusException(503, "The validator is still starting"));
        assertThatThrownBy(() -> incoming.requireValid(PATIENT))
                .isInstanceOfSatisfying(BaseServerResponseException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.getStatusCode()).isEqualTo(503));
        assertThatThrownBy(() -> incoming.validationOutcome(PATIENT))
                .isInstanceOfSatisfying(BaseServerResponseException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.getStatusCode()).isEqualTo(503));
    }

    @Test
    void aValidatorThatTripsOverTheInputRefusesItWithABadRequest() {
        IncomingResources incoming = failingWith(new IllegalStateException("parser state"));
        assertThatThrownBy(() -> incoming.requireValid(PATIENT))
                .isInstanceOfSatisfying(BaseServerResponseException.class,
                        e -> org.assertj.core.api.Assertions.assertThat(e.getStatusCode()).isEqualTo(400));
    }
}
