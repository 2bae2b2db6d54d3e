package health.ductcare.mapping;

import health.ductcare.engine.ClinicalStatus;
import health.ductcare.engine.Code;
import health.ductcare.engine.DiagnosisInput;
import health.ductcare.engine.MedicationInput;
import health.ductcare.engine.PlanInput;
import health.ductcare.engine.PriorActivity;
import health.ductcare.engine.TemperatureInput;
import health.ductcare.engine.VerificationStatus;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Condition;
import org.hl7.fhir.r4.model.DateTimeType;
import org.hl7.fhir.r4.model.Dosage;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.MedicationRequest;
import org.hl7.fhir.r4.model.Observation;
import org.hl7.fhir.r4.model.Quantity;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;

/** Reads FHIR R4 resources into the engine's {@link PlanInput}. */
public final class PlanInputMapper {

    public static final String ASSERTED_DATE_URL = "http://hl7.org/fhir/StructureDefinition/condition-assertedDate";

    private PlanInputMapper() {
    }

    /**
     * @param medicationResolver resolves a non-contained {@code medicationReference} such as "Medication/123";
     *                           may be null or return null when unknown
     * @param existing           the CarePlan already stored for this Condition, or null
     */
    public static PlanInput toPlanInput(Condition condition, List<MedicationRequest> medicationRequests,
                                        Function<String, Medication> medicationResolver,
                                        List<Observation> observations, Instant receivedAt, CarePlan existing) {
        return toPlanInput(condition, List.of(), medicationRequests, medicationResolver, observations, receivedAt,
                existing);
    }

    /**
     * @param otherConditions the patient's other Conditions (the one planned may be among them; it is left out)
     */
    public static PlanInput toPlanInput(Condition condition, List<Condition> otherConditions,
                                        List<MedicationRequest> medicationRequests,
                                        Function<String, Medication> medicationResolver,
                                        List<Observation> observations, Instant receivedAt, CarePlan existing) {
        String planned = reference(condition);
        return new PlanInput(diagnosis(condition, receivedAt),
                medicationRequests.stream().map(mr -> medication(mr, medicationResolver)).toList(),
                observations.stream().map(PlanInputMapper::temperature).toList(),
                priorActivities(existing),
                otherConditions.stream().filter(other -> planned == null || !planned.equals(reference(other)))
                        .map(other -> diagnosis(other, null)).toList());
    }

    public static DiagnosisInput diagnosis(Condition condition, Instant receivedAt) {
        Extension asserted = condition.getExtensionByUrl(ASSERTED_DATE_URL);
        Instant assertedDate = asserted != null && asserted.getValue() instanceof DateTimeType dt
                ? FhirTimes.instant(dt) : null;
        Instant onset = condition.hasOnsetDateTimeType() ? FhirTimes.instant(condition.getOnsetDateTimeType())
                : condition.hasOnsetPeriod() ? FhirTimes.instant(condition.getOnsetPeriod().getStartElement()) : null;
        return new DiagnosisInput(reference(condition), codes(condition.getCode()), text(condition.getCode()),
                clinicalStatus(condition), verificationStatus(condition),
                FhirTimes.instant(condition.getRecordedDateElement()), assertedDate, onset, receivedAt);
    }

    public static MedicationInput medication(MedicationRequest mr, Function<String, Medication> resolver) {
        List<Code> codes = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        if (mr.hasMedicationCodeableConcept()) {
            codes.addAll(codes(mr.getMedicationCodeableConcept()));
            texts.add(text(mr.getMedicationCodeableConcept()));
        } else if (mr.hasMedicationReference()) {
            Medication med = resolve(mr, mr.getMedicationReference(), resolver);
            if (med != null) {
                codes.addAll(codes(med.getCode()));
                texts.add(text(med.getCode()));
                med.getIngredient().stream().filter(Medication.MedicationIngredientComponent::hasItemCodeableConcept)
                        .forEach(i -> {
                            codes.addAll(codes(i.getItemCodeableConcept()));
                            texts.add(text(i.getItemCodeableConcept()));
                        });
            }
            texts.add(mr.getMedicationReference().getDisplay());
        }
        List<Code> routes = mr.getDosageInstruction().stream().filter(Dosage::hasRoute)
                .flatMap(d -> codes(d.getRoute()).stream()).toList();
        Instant boundsStart = mr.getDosageInstruction().stream()
                .filter(d -> d.getTiming().getRepeat().hasBoundsPeriod()
                        && d.getTiming().getRepeat().getBoundsPeriod().hasStart())
                .map(d -> FhirTimes.instant(d.getTiming().getRepeat().getBoundsPeriod().getStartElement()))
                .min(Instant::compareTo).orElse(null);
        Instant validityStart = mr.getDispenseRequest().getValidityPeriod().hasStart()
                ? FhirTimes.instant(mr.getDispenseRequest().getValidityPeriod().getStartElement()) : null;
        return new MedicationInput(reference(mr), mr.hasStatus() ? mr.getStatus().toCode() : null,
                mr.hasIntent() ? mr.getIntent().toCode() : null, codes, joined(texts.stream()), routes, boundsStart,
                validityStart, FhirTimes.instant(mr.getAuthoredOnElement()));
    }

    public static TemperatureInput temperature(Observation obs) {
        Instant effective = obs.hasEffectiveDateTimeType() ? FhirTimes.instant(obs.getEffectiveDateTimeType())
                : obs.hasEffectiveInstantType() ? FhirTimes.instant(obs.getEffectiveInstantType())
                : obs.hasEffectivePeriod() ? FhirTimes.instant(obs.getEffectivePeriod().getStartElement()) : null;
        Quantity q = obs.hasValueQuantity() ? obs.getValueQuantity() : null;
        String unit = q == null ? null : q.hasCode() ? q.getCode() : q.getUnit();
        return new TemperatureInput(reference(obs), codes(obs.getCode()), effective, q == null ? null : q.getValue(),
                unit, obs.hasStatus() ? obs.getStatus().toCode() : null);
    }

    /** Activities of a stored CarePlan that carry an activity key; empty for null. */
    public static List<PriorActivity> priorActivities(CarePlan existing) {
        if (existing == null) {
            return List.of();
        }
        List<PriorActivity> prior = new ArrayList<>();
        for (CarePlan.CarePlanActivityComponent activity : existing.getActivity()) {
            String key = CarePlanMapper.activityKey(activity);
            if (key == null) {
                continue;
            }
            CarePlan.CarePlanActivityDetailComponent detail = activity.getDetail();
            Instant start = null;
            Instant end = null;
            if (detail.hasScheduledPeriod()) {
                start = FhirTimes.instant(detail.getScheduledPeriod().getStartElement());
                end = FhirTimes.instant(detail.getScheduledPeriod().getEndElement());
            } else if (detail.hasScheduledTiming() && detail.getScheduledTiming().getRepeat().hasBoundsPeriod()) {
                start = FhirTimes.instant(detail.getScheduledTiming().getRepeat().getBoundsPeriod().getStartElement());
                end = FhirTimes.instant(detail.getScheduledTiming().getRepeat().getBoundsPeriod().getEndElement());
            }
            // Cancelled because the plan was closed is the planner's status: a re-activated plan plans it again.
            String status = !detail.hasStatus() || CarePlanMapper.cancelledOnClosing(detail) ? null
                    : detail.getStatus().toCode();
            prior.add(new PriorActivity(key, start, end, status));
        }
        return prior;
    }

    private static Medication resolve(MedicationRequest mr, Reference ref, Function<String, Medication> resolver) {
        if (ref.getResource() instanceof Medication med) {
            return med;
        }
        String target = ref.getReference();
        if (target == null) {
            return null;
        }
        if (target.startsWith("#")) {
            String id = target.substring(1);
            return mr.getContained().stream().filter(r -> r instanceof Medication)
                    .filter(r -> id.equals(r.getIdElement().getIdPart()) || target.equals(r.getId()))
                    .map(Medication.class::cast).findFirst().orElse(null);
        }
        return resolver == null ? null : resolver.apply(target);
    }

    private static ClinicalStatus clinicalStatus(Condition c) {
        String code = statusCode(c.getClinicalStatus());
        if (code == null) {
            return null;
        }
        try {
            return ClinicalStatus.valueOf(code);
        } catch (IllegalArgumentException e) {
            return ClinicalStatus.UNKNOWN;
        }
    }

    private static VerificationStatus verificationStatus(Condition c) {
        String code = statusCode(c.getVerificationStatus());
        if (code == null) {
            return null;
        }
        try {
            return VerificationStatus.valueOf(code);
        } catch (IllegalArgumentException e) {
            return VerificationStatus.UNKNOWN;
        }
    }

    private static String statusCode(CodeableConcept cc) {
        return cc.getCoding().stream().map(Coding::getCode).filter(Objects::nonNull).findFirst()
                .map(code -> code.toUpperCase(Locale.ROOT).replace('-', '_')).orElse(null);
    }

    static String reference(Resource resource) {
        String id = resource.getIdElement().getIdPart();
        return id == null ? null : resource.fhirType() + "/" + id;
    }

    private static List<Code> codes(CodeableConcept cc) {
        return cc.getCoding().stream().filter(c -> c.hasSystem() && c.hasCode())
                .map(c -> new Code(c.getSystem(), c.getCode())).toList();
    }

    private static String text(CodeableConcept cc) {
        return joined(Stream.concat(Stream.of(cc.getText()), cc.getCoding().stream().map(Coding::getDisplay)));
    }

    private static String joined(Stream<String> parts) {
        String text = parts.filter(s -> s != null && !s.isBlank()).distinct().collect(Collectors.joining(" | "));
        return text.isEmpty() ? null : text;
    }
}
