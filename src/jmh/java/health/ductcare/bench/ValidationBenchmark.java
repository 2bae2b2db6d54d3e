package health.ductcare.bench;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ValidationResult;
import health.ductcare.fhir.FhirValidation;
import health.ductcare.fhir.validation.OfflineR4Support;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One R4 validation of the benchmark's Condition: HAPI's stock module (a new HL7 InstanceValidator per call)
 * against DuctCare's pooled module. Validations per second per thread; run with -t 1 for "per core".
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 5)
@Measurement(iterations = 5, time = 5)
@Fork(value = 1, jvmArgsAppend = {"-Xmx512m", "-Djava.util.logging.manager=org.jboss.logmanager.LogManager"})
public class ValidationBenchmark {

    @Param({"pooled", "stock"})
    public String module;

    private FhirValidator validator;

    @Setup
    public void setUp() {
        FhirContext context = FhirContext.forR4();
        int poolSize = module.equals("stock") ? 0 : 4;
        validator = context.newValidator()
                .registerValidatorModule(FhirValidation.module(OfflineR4Support.chain(context), poolSize, 10_000));
        validator.validateWithResult(BenchResources.CONDITION_JSON); // the slow first validation
    }

    @Benchmark
    public ValidationResult validateCondition() {
        return validator.validateWithResult(BenchResources.CONDITION_JSON);
    }
}
