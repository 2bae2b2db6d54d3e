package health.ductcare.bench;

import ca.uhn.fhir.context.FhirContext;
import health.ductcare.engine.CarePlanEngine;
import health.ductcare.engine.PlanDecision;
import health.ductcare.engine.PlanInput;
import health.ductcare.engine.Protocol;
import health.ductcare.mapping.CarePlanContext;
import health.ductcare.mapping.CarePlanMapper;
import health.ductcare.mapping.PlanInputMapper;
import health.ductcare.protocol.ProtocolLoader;
import health.ductcare.protocol.ProtocolOverrides;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Reference;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The pure care-plan engine and the FHIR mapping around it, without HTTP, database or validation: plans per
 * second per thread (run with -t 1 for "per core"). Inputs: the load generator's lactational mastitis with a
 * cephalexin MedicationRequest, decided 6 hours after diagnosis.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(value = 1, jvmArgsAppend = "-Xmx512m")
public class CarePlanBenchmark {

    private Protocol protocol;
    private Condition condition;
    private MedicationRequest medicationRequest;
    private PlanInput input;
    private PlanDecision decision;
    private CarePlanContext context;
    private Instant now;

    @Setup
    public void setUp() {
        FhirContext fhir = FhirContext.forR4();
        protocol = new ProtocolLoader(fhir).loadResource(ProtocolLoader.DEFAULT_RESOURCE, ProtocolOverrides.none())
                .protocol();
        condition = fhir.newJsonParser().parseResource(Condition.class, BenchResources.CONDITION_JSON);
        condition.setId("Condition/bench-c000001");
        medicationRequest = fhir.newJsonParser().parseResource(MedicationRequest.class,
                BenchResources.MEDICATION_REQUEST_JSON);
        now = Instant.parse("2025-01-07T19:00:00Z");
        input = planInput();
        decision = CarePlanEngine.plan(input, protocol, now);
        context = CarePlanContext.of(protocol, new Reference("Patient/bench-p0001"),
                new Reference("Condition/bench-c000001"), now);
    }

    private PlanInput planInput() {
        return PlanInputMapper.toPlanInput(condition, List.of(medicationRequest), null, List.of(), now, null);
    }

    /** The engine alone: PlanInput -> PlanDecision. */
    @Benchmark
    public PlanDecision plan() {
        return CarePlanEngine.plan(input, protocol, now);
    }

    /** The mapping alone: PlanDecision -> CarePlan. */
    @Benchmark
    public Optional<CarePlan> mapToCarePlan() {
        return CarePlanMapper.toCarePlan(decision, context);
    }

    /** Condition + MedicationRequest -> CarePlan: input mapping, engine, output mapping. */
    @Benchmark
    public Optional<CarePlan> conditionToCarePlan() {
        return CarePlanMapper.toCarePlan(CarePlanEngine.plan(planInput(), protocol, now), context);
    }
}
