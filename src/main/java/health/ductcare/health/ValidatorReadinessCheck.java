package health.ductcare.health;

import health.ductcare.fhir.FhirValidation;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

/** Ready only once the R4 validator has done its (slow) first validation. */
@Readiness
@ApplicationScoped
public class ValidatorReadinessCheck implements HealthCheck {

    private final FhirValidation validation;

    public ValidatorReadinessCheck(FhirValidation validation) {
        this.validation = validation;
    }

    @Override
    public HealthCheckResponse call() {
        var builder = HealthCheckResponse.named("fhir-validator").status(validation.isWarm());
        if (validation.warmUpFailure() != null) {
            builder.withData("failure", validation.warmUpFailure());
        }
        return builder.build();
    }
}
