package health.ductcare.reliability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.validation.FhirValidator;
import ca.uhn.fhir.validation.ResultSeverityEnum;
import ca.uhn.fhir.validation.ValidationResult;
import health.ductcare.engine.CarePlanEngine;
import health.ductcare.engine.PlanDecision;
import health.ductcare.engine.PlanInput;
import health.ductcare.engine.Protocol;
import health.ductcare.mapping.CarePlanContext;
import health.ductcare.mapping.CarePlanMapper;
import health.ductcare.mapping.PlanInputMapper;
import health.ductcare.protocol.ProtocolLoader;
import health.ductcare.protocol.ProtocolOverrides;
import java.math.BigDecimal;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.stream.LongStream;
import org.hl7.fhir.common.hapi.validation.support.CommonCodeSystemsTerminologyService;
import org.hl7.fhir.common.hapi.validation.support.InMemoryTerminologyServerValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.SnapshotGeneratingValidationSupport;
import org.hl7.fhir.common.hapi.validation.support.ValidationSupportChain;
import org.hl7.fhir.common.hapi.validation.validator.FhirInstanceValidator;
import ca.uhn.fhir.context.support.DefaultProfileValidationSupport;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * PENDING: compiles only once branch engine is merged (see src/test/java-pending/README.md); then move it to
 * src/test/java/health/ductcare/reliability/.
 *
 * <p>Property: for random Conditions (blocked-duct and other codes, every clinical and verification status, onset,
 * recorded and asserted dates around "now"), random MedicationRequests (antibiotics and others, every status) and
 * random temperature Observations, {@link CarePlanEngine#plan} never throws, and every CarePlan that
 * {@link CarePlanMapper#toCarePlan} makes from its decision validates against R4 without errors and addresses the
 * Condition. Seeded: a failure names the seed; {@code -Dreliability.seed / -Dreliability.cases} rerun others.
 */
class CarePlanEnginePropertyTest {

    private static final FhirContext CONTEXT = FhirContext.forR4Cached();
    private static final Instant NOW = Instant.parse("2025-03-03T12:00:00Z");
    private static final String[][] CONDITION_CODES = {
            {"http://hl7.org/fhir/sid/icd-10-cm", "O92.79"}, {"http://hl7.org/fhir/sid/icd-10-cm", "O91.23"},
            {"http://hl7.org/fhir/sid/icd-10-cm", "N61.0"}, {"http://snomed.info/sct", "1287638006"},
            {"http://snomed.info/sct", "12803000"}, {"http://snomed.info/sct", "38341003"}};
    private static final String[] CLINICAL = {"active", "recurrence", "relapse", "inactive", "remission", "resolved"};
    private static final String[] VERIFICATION = {"unconfirmed", "provisional", "differential", "confirmed", "refuted",
            "entered-in-error"};
    private static final String[] RXNORM = {"197454", "308182", "309054", "198211", "313782"};

    private static Protocol protocol;
    private static FhirValidator validator;

    @BeforeAll
    static void loadProtocolAndValidator() {
        protocol = new ProtocolLoader(CONTEXT).loadResource(ProtocolLoader.DEFAULT_RESOURCE, ProtocolOverrides.none())
                .protocol();
        FhirInstanceValidator instanceValidator = new FhirInstanceValidator(new ValidationSupportChain(
                new DefaultProfileValidationSupport(CONTEXT), new SnapshotGeneratingValidationSupport(CONTEXT),
                new InMemoryTerminologyServerValidationSupport(CONTEXT), new CommonCodeSystemsTerminologyService(CONTEXT)));
        instanceValidator.setAnyExtensionsAllowed(true);
        validator = CONTEXT.newValidator().registerValidatorModule(instanceValidator);
    }

    static LongStream seeds() {
        long first = Long.getLong("reliability.seed", 20261124L);
        return LongStream.range(first, first + Long.getLong("reliability.cases", 200));
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void theEngineNeverThrowsAndEveryPlanItMakesValidates(long seed) {
        Random random = new Random(seed);
        Condition condition = condition(random);
        List<MedicationRequest> medications = new ArrayList<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            medications.add(medicationRequest(random));
        }
        List<Observation> temperatures = new ArrayList<>();
        for (int i = random.nextInt(5); i > 0; i--) {
            temperatures.add(temperature(random));
        }
        Instant receivedAt = NOW.minus(Duration.ofMinutes(random.nextInt(60 * 24 * 5)));

        PlanInput[] input = new PlanInput[1];
        PlanDecision[] decision = new PlanDecision[1];
        assertThatCode(() -> {
            input[0] = PlanInputMapper.toPlanInput(condition, medications, null, temperatures, receivedAt, null);
            decision[0] = CarePlanEngine.plan(input[0], protocol, NOW);
        }).as("seed %d", seed).doesNotThrowAnyException();

        Optional<CarePlan> plan = CarePlanMapper.toCarePlan(decision[0], new CarePlanContext(protocol,
                new Reference("Patient/p1"), new Reference("Condition/" + condition.getIdPart()), List.of(), null, null,
                null, NOW));
        if (plan.isEmpty()) {
            return;
        }
        String json = CONTEXT.newJsonParser().encodeResourceToString(plan.get());
        ValidationResult result = validator.validateWithResult(json);
        assertThat(result.getMessages().stream().filter(m -> m.getSeverity() == ResultSeverityEnum.ERROR
                || m.getSeverity() == ResultSeverityEnum.FATAL).map(m -> m.getLocationString() + " " + m.getMessage()))
                .as("seed %d: the CarePlan validates (%s)", seed, json).isEmpty();
        assertThat(plan.get().getAddresses()).extracting(Reference::getReference)
                .as("seed %d", seed).contains("Condition/" + condition.getIdPart());
    }

    private static Condition condition(Random random) {
        Condition condition = new Condition();
        condition.setId("c" + random.nextInt(1_000_000));
        String[] code = CONDITION_CODES[random.nextInt(CONDITION_CODES.length)];
        condition.setCode(new CodeableConcept().addCoding(new Coding(code[0], code[1], null)));
        condition.setClinicalStatus(new CodeableConcept().addCoding(new Coding(
                "http://terminology.hl7.org/CodeSystem/condition-clinical", CLINICAL[random.nextInt(CLINICAL.length)], null)));
        if (random.nextInt(4) > 0) {
            condition.setVerificationStatus(new CodeableConcept().addCoding(new Coding(
                    "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                    VERIFICATION[random.nextInt(VERIFICATION.length)], null)));
        }
        condition.setSubject(new Reference("Patient/p1"));
        if (random.nextBoolean()) {
            condition.setOnset(around(random));
        }
        if (random.nextBoolean()) {
            condition.setRecordedDateElement(around(random));
        }
        if (random.nextInt(3) == 0) {
            condition.addExtension(PlanInputMapper.ASSERTED_DATE_URL, around(random));
        }
        return condition;
    }

    private static MedicationRequest medicationRequest(Random random) {
        MedicationRequest request = new MedicationRequest();
        request.setId("m" + random.nextInt(1_000_000));
        request.setStatus(MedicationRequest.MedicationRequestStatus.values()[random.nextInt(8)]);
        request.setIntent(MedicationRequest.MedicationRequestIntent.ORDER);
        request.setMedication(new CodeableConcept().addCoding(new Coding("http://www.nlm.nih.gov/research/umls/rxnorm",
                RXNORM[random.nextInt(RXNORM.length)], null)));
        request.setSubject(new Reference("Patient/p1"));
        if (random.nextInt(5) > 0) {
            request.setAuthoredOnElement(around(random));
        }
        return request;
    }

    private static Observation temperature(Random random) {
        Observation observation = new Observation();
        observation.setId("o" + random.nextInt(1_000_000));
        observation.setStatus(Observation.ObservationStatus.values()[random.nextInt(8)]);
        observation.setCode(new CodeableConcept().addCoding(new Coding("http://loinc.org", "8310-5", null)));
        observation.setSubject(new Reference("Patient/p1"));
        observation.setEffective(around(random));
        observation.setValue(new Quantity().setValue(BigDecimal.valueOf(350 + random.nextInt(60), 1)).setUnit("Cel")
                .setSystem("http://unitsofmeasure.org").setCode(random.nextInt(5) == 0 ? "[degF]" : "Cel"));
        return observation;
    }

    /** A moment within five days either side of NOW, so the protocol's windows are hit, missed and straddled. */
    private static DateTimeType around(Random random) {
        long offsetMinutes = random.nextInt(60 * 24 * 10) - 60 * 24 * 5;
        return new DateTimeType(Date.from(NOW.plus(Duration.ofMinutes(offsetMinutes))));
    }
}
