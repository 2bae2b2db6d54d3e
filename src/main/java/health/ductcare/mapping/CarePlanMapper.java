package health.ductcare.mapping;

import health.ductcare.engine.ActivityKind;
import health.ductcare.engine.Code;
import health.ductcare.engine.Evidence;
import health.ductcare.engine.HomeStep;
import health.ductcare.engine.Performer;
import health.ductcare.engine.PlanDecision;
import health.ductcare.engine.PlanNote;
import health.ductcare.engine.PlannedActivity;
import health.ductcare.engine.PlannedHomeActivity;
import health.ductcare.engine.PlannedSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.hl7.fhir.r4.model.Annotation;
import org.hl7.fhir.r4.model.CarePlan;
import org.hl7.fhir.r4.model.CarePlan.CarePlanActivityComponent;
import org.hl7.fhir.r4.model.CarePlan.CarePlanActivityDetailComponent;
import org.hl7.fhir.r4.model.CarePlan.CarePlanActivityKind;
import org.hl7.fhir.r4.model.CarePlan.CarePlanActivityStatus;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.MarkdownType;
import org.hl7.fhir.r4.model.Period;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.StringType;
import org.hl7.fhir.r4.model.Timing;

/** Writes an engine {@link PlanDecision} as an R4 CarePlan. */
public final class CarePlanMapper {

    /** Stable key of a planned activity ({@code s<n>-<step>} or {@code home-<step>}), kept across re-plans. */
    public static final String ACTIVITY_KEY_URL = "https://ductcare.health/fhir/StructureDefinition/careplan-activity-key";
    /** The status the protocol gave the plan, so a later planning can tell a status a clinician set from it. */
    public static final String PLANNED_STATUS_URL = "https://ductcare.health/fhir/StructureDefinition/careplan-planned-status";

    /** A plan note as the CarePlan carries it: severity and code first, written by DuctCare at {@code now}. */
    public static Annotation annotation(PlanNote note, java.time.Instant now) {
        return new Annotation(new MarkdownType(note.severity() + " (" + note.code() + "): " + note.text()))
                .setAuthor(new StringType("DuctCare")).setTimeElement(FhirTimes.dateTime(now));
    }
    private static final Coding CATEGORY = new Coding("http://snomed.info/sct", "91251008", "Physical therapy procedure");
    private static final Set<String> OPEN_STATUSES = Set.of("not-started", "scheduled", "on-hold");

    private CarePlanMapper() {
    }

    /** The CarePlan for the decision; empty for {@link PlanDecision.NotEligible} when nothing was stored before. */
    public static Optional<CarePlan> toCarePlan(PlanDecision decision, CarePlanContext ctx) {
        if (decision instanceof PlanDecision.Scheduled s) {
            CarePlan plan = base(ctx, CarePlan.CarePlanStatus.ACTIVE, s.notes(), evidenceRefs(s.infectionEvidence()));
            addSessions(plan, s.sessions(), ctx);
            addHome(plan, s.home(), ctx);
            plan.setPeriod(periodOf(plan));
            return Optional.of(withNarrative(plan, decision, ctx));
        }
        if (decision instanceof PlanDecision.OnHold h) {
            CarePlan plan = base(ctx, CarePlan.CarePlanStatus.ONHOLD, h.notes(), evidenceRefs(h.infectionEvidence()));
            addSessions(plan, h.sessions(), ctx);
            addHome(plan, h.home(), ctx);
            return Optional.of(withNarrative(plan, decision, ctx));
        }
        if (decision instanceof PlanDecision.Completed) {
            return Optional.of(closed(CarePlan.CarePlanStatus.COMPLETED, decision, ctx));
        }
        if (decision instanceof PlanDecision.Revoked) {
            return Optional.of(closed(CarePlan.CarePlanStatus.REVOKED, decision, ctx));
        }
        return ctx.existing() == null ? Optional.empty()
                : Optional.of(closed(CarePlan.CarePlanStatus.REVOKED, decision, ctx));
    }

    public static String activityKey(CarePlanActivityComponent activity) {
        Extension ext = activity.getExtensionByUrl(ACTIVITY_KEY_URL);
        return ext == null || ext.getValue() == null ? null : ext.getValue().primitiveValue();
    }

    private static CarePlan base(CarePlanContext ctx, CarePlan.CarePlanStatus status, List<PlanNote> notes,
                                 List<Reference> evidence) {
        CarePlan plan = new CarePlan();
        if (ctx.existing() != null && ctx.existing().getIdElement().getIdPart() != null) {
            plan.setId(ctx.existing().getIdElement().getIdPart());
        }
        plan.addInstantiatesCanonical(ctx.protocol().canonical());
        plan.setStatus(status);
        plan.setIntent(CarePlan.CarePlanIntent.PLAN);
        plan.addCategory(new CodeableConcept(CATEGORY.copy()).setText("Physical therapy"));
        plan.setTitle(ctx.protocol().title());
        plan.setDescription("Physical-therapy plan for a blocked milk duct, made by DuctCare from "
                + ctx.protocol().canonical() + " (" + ctx.protocol().variant() + ").");
        plan.setSubject(ctx.patient().copy());
        plan.addAddresses(ctx.condition().copy());
        plan.setCreatedElement(FhirTimes.dateTime(ctx.now()));
        plan.setAuthor(ctx.author().copy());
        supportingInfo(ctx, evidence).forEach(plan::addSupportingInfo);
        for (PlanNote note : notes) {
            plan.addNote(annotation(note, ctx.now()));
        }
        return plan;
    }

    /** The start of the reason the planner gives when it cancels the open activities of a plan it closes. */
    static final String CLOSING_REASON = "The care plan is ";

    /** Whether the planner, not a clinician, cancelled this activity when it closed the plan. */
    public static boolean cancelledOnClosing(CarePlan.CarePlanActivityDetailComponent detail) {
        return detail.getStatus() == CarePlanActivityStatus.CANCELLED && detail.hasStatusReason()
                && detail.getStatusReason().hasText() && detail.getStatusReason().getText().startsWith(CLOSING_REASON);
    }

    private static CarePlan closed(CarePlan.CarePlanStatus status, PlanDecision decision, CarePlanContext ctx) {
        CarePlan plan = base(ctx, status, decision.notes(), List.of());
        if (ctx.existing() != null) {
            for (CarePlanActivityComponent old : ctx.existing().getActivity()) {
                CarePlanActivityComponent activity = old.copy();
                if (activity.hasDetail() && OPEN_STATUSES.contains(activity.getDetail().getStatus().toCode())) {
                    activity.getDetail().setStatus(CarePlanActivityStatus.CANCELLED)
                            .setStatusReason(new CodeableConcept().setText(CLOSING_REASON + status.toCode() + "."));
                }
                plan.addActivity(activity);
            }
            if (ctx.existing().hasPeriod()) {
                plan.setPeriod(ctx.existing().getPeriod().copy());
            }
        }
        return withNarrative(plan, decision, ctx);
    }

    private static void addSessions(CarePlan plan, List<PlannedSession> sessions, CarePlanContext ctx) {
        for (PlannedSession session : sessions) {
            for (PlannedActivity a : session.activities()) {
                CarePlanActivityDetailComponent detail = detail(a.step().kind(), a.step().activityDefinition(),
                        a.step().codes(), a.step().title(), a.status(), ctx, a.step().performer());
                detail.setDescription(a.step().description() + " Session " + session.number() + " of "
                        + sessions.size() + ".");
                if (a.start() != null) {
                    detail.setScheduled(new Period().setStartElement(FhirTimes.dateTime(a.start()))
                            .setEndElement(FhirTimes.dateTime(a.end())));
                } else {
                    detail.setStatusReason(new CodeableConcept().setText("Waiting until the patient has been on"
                            + " antibiotics for " + ctx.protocol().antibioticLeadTime().toHours() + " h."));
                }
                plan.addActivity(activity(a.key(), detail));
            }
        }
    }

    private static void addHome(CarePlan plan, List<PlannedHomeActivity> home, CarePlanContext ctx) {
        for (PlannedHomeActivity h : home) {
            HomeStep step = h.step();
            CarePlanActivityDetailComponent detail = detail(step.kind(), step.activityDefinition(), step.codes(),
                    step.title(), h.status(), ctx, Performer.PATIENT);
            detail.setDescription(step.description());
            Timing timing = new Timing();
            Timing.TimingRepeatComponent repeat = timing.getRepeat();
            repeat.setFrequency(step.timesPerPeriod());
            setPeriod(repeat, step.period());
            if (h.start() != null) {
                Period bounds = new Period().setStartElement(FhirTimes.dateTime(h.start()));
                if (h.end() != null) {
                    bounds.setEndElement(FhirTimes.dateTime(h.end()));
                }
                repeat.setBounds(bounds);
            } else {
                detail.setStatusReason(new CodeableConcept().setText("Starts after the first session."));
            }
            detail.setScheduled(timing);
            plan.addActivity(activity(h.key(), detail));
        }
    }

    private static void setPeriod(Timing.TimingRepeatComponent repeat, java.time.Duration period) {
        if (period.toDaysPart() > 0 && period.equals(java.time.Duration.ofDays(period.toDays()))) {
            repeat.setPeriod(period.toDays()).setPeriodUnit(Timing.UnitsOfTime.D);
        } else {
            repeat.setPeriod(period.toMinutes()).setPeriodUnit(Timing.UnitsOfTime.MIN);
        }
    }

    private static CarePlanActivityDetailComponent detail(ActivityKind kind, String canonical, List<Code> codes,
                                                          String title, String status, CarePlanContext ctx,
                                                          Performer performer) {
        CarePlanActivityDetailComponent detail = new CarePlanActivityDetailComponent();
        detail.setKind(kind == ActivityKind.TASK ? CarePlanActivityKind.TASK : CarePlanActivityKind.SERVICEREQUEST);
        detail.addInstantiatesCanonical(canonical);
        CodeableConcept code = new CodeableConcept().setText(title);
        codes.forEach(c -> code.addCoding(new Coding().setSystem(c.system()).setCode(c.code())));
        detail.setCode(code);
        detail.setStatus(CarePlanActivityStatus.fromCode(status));
        detail.addPerformer(performer == Performer.PATIENT ? ctx.patient().copy() : ctx.physiotherapist().copy());
        return detail;
    }

    private static CarePlanActivityComponent activity(String key, CarePlanActivityDetailComponent detail) {
        CarePlanActivityComponent activity = new CarePlanActivityComponent();
        activity.addExtension(ACTIVITY_KEY_URL, new StringType(key));
        activity.setDetail(detail);
        return activity;
    }

    private static Period periodOf(CarePlan plan) {
        Instant start = null;
        Instant end = null;
        for (CarePlanActivityComponent a : plan.getActivity()) {
            Period p = a.getDetail().hasScheduledPeriod() ? a.getDetail().getScheduledPeriod()
                    : a.getDetail().getScheduledTiming().getRepeat().getBoundsPeriod();
            Instant s = FhirTimes.instant(p.getStartElement());
            Instant e = FhirTimes.instant(p.getEndElement());
            start = s != null && (start == null || s.isBefore(start)) ? s : start;
            end = e != null && (end == null || e.isAfter(end)) ? e : end;
        }
        Period period = new Period();
        if (start != null) {
            period.setStartElement(FhirTimes.dateTime(start));
        }
        if (end != null) {
            period.setEndElement(FhirTimes.dateTime(end));
        }
        return period;
    }

    private static List<Reference> evidenceRefs(List<Evidence> evidence) {
        return evidence.stream().filter(e -> e.kind() != Evidence.Kind.INFECTION_CODE && e.reference() != null)
                .map(e -> new Reference(e.reference())).toList();
    }

    private static List<Reference> supportingInfo(CarePlanContext ctx, List<Reference> evidence) {
        Map<String, Reference> unique = new LinkedHashMap<>();
        List<Reference> all = new ArrayList<>(ctx.supportingInfo());
        all.addAll(evidence);
        for (Reference r : all) {
            unique.putIfAbsent(r.getReference() != null ? r.getReference() : r.getDisplay(), r.copy());
        }
        return List.copyOf(unique.values());
    }

    private static CarePlan withNarrative(CarePlan plan, PlanDecision decision, CarePlanContext ctx) {
        plan.setText(CarePlanNarrative.of(plan, decision, ctx));
        return plan;
    }
}
