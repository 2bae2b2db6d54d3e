package health.ductcare.observability;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;

/** Counts resources the R4 validator rejected ({@code ductcare.validation.failures}), i.e. the 422 answers. */
@Singleton
public class ValidationMetrics {

    public static final String COUNTER = "ductcare.validation.failures";

    private final Counter failures;

    public ValidationMetrics(MeterRegistry registry) {
        this.failures = Counter.builder(COUNTER)
                .description("Resources rejected by FHIR R4 validation")
                .register(registry);
    }

    public void recordFailure() {
        failures.increment();
    }
}
