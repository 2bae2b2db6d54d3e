package health.ductcare.protocol;

import ca.uhn.fhir.context.FhirContext;
import ca.uhn.fhir.parser.DataFormatException;
import ca.uhn.fhir.parser.IParser;
import ca.uhn.fhir.parser.StrictErrorHandler;
import health.ductcare.engine.ActivityKind;
import health.ductcare.engine.ClinicHours;
import health.ductcare.engine.Code;
import health.ductcare.engine.CodeSet;
import health.ductcare.engine.FollowUp;
import health.ductcare.engine.HomeStep;
import health.ductcare.engine.Performer;
import health.ductcare.engine.Protocol;
import health.ductcare.engine.ProtocolCodeSets;
import health.ductcare.engine.SessionStep;
import health.ductcare.engine.StepRelation;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.hl7.fhir.r4.model.ActivityDefinition;
import org.hl7.fhir.r4.model.Bundle;
import org.hl7.fhir.r4.model.Extension;
import org.hl7.fhir.r4.model.PlanDefinition;
import org.hl7.fhir.r4.model.PlanDefinition.ActionRelationshipType;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionComponent;
import org.hl7.fhir.r4.model.PlanDefinition.PlanDefinitionActionRelatedActionComponent;
import org.hl7.fhir.r4.model.Resource;
import org.hl7.fhir.r4.model.ValueSet;

/**
 * Reads a protocol Bundle (PlanDefinition + ActivityDefinitions + ValueSets), checks it and builds the
 * engine {@link Protocol}. Any problem is a {@link ProtocolException} naming the file.
 */
public final class ProtocolLoader {

    public static final String DEFAULT_RESOURCE = "protocol/ductcare-pt-1.0.0.json";
    public static final String ABM36_RESOURCE = "protocol/ductcare-pt-abm36-1.0.0.json";

    static final List<String> VALUE_SET_ROLES = List.of("trigger", "exclusion", "abscess", "ambiguous", "infection",
            "antibiotic", "fever-observation", "non-systemic-route");

    private final FhirContext fhirContext;

    public ProtocolLoader(FhirContext fhirContext) {
        this.fhirContext = fhirContext;
    }

    /** Loads a protocol shipped on the classpath, e.g. {@link #DEFAULT_RESOURCE}. */
    public LoadedProtocol loadResource(String resourcePath, ProtocolOverrides overrides) {
        try (InputStream in = ProtocolLoader.class.getClassLoader().getResourceAsStream(resourcePath)) {
            if (in == null) {
                throw new ProtocolException(resourcePath, "not found on the classpath");
            }
            return load(resourcePath, in, overrides);
        } catch (IOException e) {
            throw new ProtocolException(resourcePath, "cannot be read: " + e.getMessage(), e);
        }
    }

    public LoadedProtocol load(String source, InputStream json, ProtocolOverrides overrides) {
        try {
            return load(source, new String(json.readAllBytes(), StandardCharsets.UTF_8), overrides);
        } catch (IOException e) {
            throw new ProtocolException(source, "cannot be read: " + e.getMessage(), e);
        }
    }

    public LoadedProtocol load(String source, String json, ProtocolOverrides overrides) {
        Bundle bundle = parse(source, json);
        BundleContent content = BundleContent.of(source, bundle);
        RuleReader rules = new RuleReader(source);
        PlanDefinition pd = content.planDefinition();
        Protocol base = new Protocol(pd.getUrl(), pd.getVersion(), pd.hasTitle() ? pd.getTitle() : pd.getName(),
                pd.hasSubtitle() ? pd.getSubtitle() : pd.getName(),
                rules.duration(rules.single(pd, ProtocolExtensions.START_WITHIN), false),
                rules.duration(rules.single(pd, ProtocolExtensions.ANTIBIOTIC_LEAD_TIME), true),
                rules.celsius(rules.single(pd, ProtocolExtensions.FEVER_THRESHOLD)),
                rules.duration(rules.single(pd, ProtocolExtensions.FEVER_LOOK_BACK), true),
                clinicHours(rules, pd), followUp(rules, pd),
                sessionSteps(rules, content), homeSteps(rules, content),
                codeSets(source, rules, content));
        Protocol protocol = ProtocolOverrider.apply(source, base, overrides);
        ProtocolChecks.check(source, protocol);
        return new LoadedProtocol(source, protocol, ProtocolOverrider.applyToPlanDefinition(pd, protocol),
                content.activityDefinitions(), content.valueSets());
    }

    private Bundle parse(String source, String json) {
        IParser parser = fhirContext.newJsonParser().setParserErrorHandler(new StrictErrorHandler());
        try {
            Object parsed = parser.parseResource(json);
            if (parsed instanceof Bundle bundle) {
                return bundle;
            }
            throw new ProtocolException(source, "expected a Bundle, found " + parsed.getClass().getSimpleName());
        } catch (DataFormatException e) {
            throw new ProtocolException(source, "is not a valid FHIR R4 JSON resource: " + e.getMessage(), e);
        }
    }

    private static ClinicHours clinicHours(RuleReader rules, PlanDefinition pd) {
        Extension hours = rules.single(pd, ProtocolExtensions.CLINIC_HOURS);
        return new ClinicHours(rules.time(hours, "opens"), rules.time(hours, "closes"), rules.days(hours),
                rules.zone(hours, "timezone"));
    }

    private static FollowUp followUp(RuleReader rules, PlanDefinition pd) {
        Extension followUp = rules.single(pd, ProtocolExtensions.FOLLOW_UP);
        int count;
        try {
            count = Integer.parseInt(rules.primitive(followUp, "count"));
        } catch (NumberFormatException e) {
            throw rules.fail("extension " + followUp.getUrl() + "#count is not an integer");
        }
        if (count < 0) {
            throw rules.fail("extension " + followUp.getUrl() + "#count must not be negative");
        }
        return new FollowUp(count, rules.duration(rules.single(followUp, "interval"), false));
    }

    private static List<SessionStep> sessionSteps(RuleReader rules, BundleContent content) {
        List<PlanDefinitionActionComponent> actions = content.planDefinition().getAction();
        List<PlanDefinitionActionComponent> groups = actions.stream().filter(PlanDefinitionActionComponent::hasAction)
                .toList();
        if (groups.size() != 1) {
            throw rules.fail("expected exactly one session group action (an action with sub-actions), found "
                    + groups.size());
        }
        PlanDefinitionActionComponent group = groups.get(0);
        if (!group.hasId()) {
            throw rules.fail("the session group action needs an id");
        }
        List<SessionStep> before = new ArrayList<>();
        List<SessionStep> after = new ArrayList<>();
        for (PlanDefinitionActionComponent action : actions) {
            if (action == group || action.hasTimingTiming()) {
                continue;
            }
            PlanDefinitionActionRelatedActionComponent rel = relationToGroup(rules, action, group.getId());
            Duration offset = rel.hasOffsetDuration()
                    ? rules.checkedDuration(rel.getOffsetDuration(), "action " + action.getId() + " offset", true)
                    : Duration.ZERO;
            if (rel.getRelationship() == ActionRelationshipType.BEFORESTART) {
                before.add(step(rules, content, action, StepRelation.BEFORE_START, offset));
            } else if (rel.getRelationship() == ActionRelationshipType.AFTEREND) {
                after.add(step(rules, content, action, StepRelation.AFTER_END, offset));
            } else {
                throw rules.fail("action " + action.getId() + ": relationship " + rel.getRelationship().toCode()
                        + " to the session is not supported (use before-start or after-end)");
            }
        }
        List<SessionStep> steps = new ArrayList<>(before);
        for (PlanDefinitionActionComponent action : group.getAction()) {
            steps.add(step(rules, content, action, StepRelation.IN_SESSION, Duration.ZERO));
        }
        if (group.getAction().isEmpty()) {
            throw rules.fail("the session group has no steps");
        }
        steps.addAll(after);
        return steps;
    }

    private static PlanDefinitionActionRelatedActionComponent relationToGroup(RuleReader rules,
                                                                              PlanDefinitionActionComponent action,
                                                                              String groupId) {
        return action.getRelatedAction().stream().filter(r -> groupId.equals(r.getActionId())).findFirst()
                .orElseThrow(() -> rules.fail("action " + action.getId() + " is neither in the session group, nor"
                        + " related to it (relatedAction to '" + groupId + "'), nor a home activity (timingTiming)"));
    }

    private static SessionStep step(RuleReader rules, BundleContent content,
                                    PlanDefinitionActionComponent action, StepRelation relation, Duration offset) {
        ActivityDefinition ad = content.definitionOf(action);
        Duration duration;
        if (action.hasTimingDuration()) {
            duration = rules.checkedDuration(action.getTimingDuration(), "action " + action.getId() + " timingDuration",
                    false);
        } else if (ad.hasTimingDuration()) {
            duration = rules.checkedDuration(ad.getTimingDuration(), "ActivityDefinition " + ad.getUrl(), false);
        } else {
            throw rules.fail("action " + action.getId() + " has no timingDuration (neither on the action nor on "
                    + ad.getUrl() + ")");
        }
        return new SessionStep(stepId(rules, action), titleOf(action, ad), descriptionOf(action, ad), codesOf(ad),
                duration, relation, offset, performerOf(rules, action, ad), kindOf(rules, ad),
                ad.getUrl() + "|" + ad.getVersion());
    }

    private static List<HomeStep> homeSteps(RuleReader rules, BundleContent content) {
        List<HomeStep> home = new ArrayList<>();
        for (PlanDefinitionActionComponent action : content.planDefinition().getAction()) {
            if (!action.hasTimingTiming()) {
                continue;
            }
            ActivityDefinition ad = content.definitionOf(action);
            var repeat = action.getTimingTiming().getRepeat();
            if (!repeat.hasFrequency() || !repeat.hasPeriod() || !repeat.hasPeriodUnit()) {
                throw rules.fail("home action " + action.getId() + " needs timingTiming.repeat frequency/period/periodUnit");
            }
            Duration period = FhirDurations.toDuration(new org.hl7.fhir.r4.model.Quantity().setValue(repeat.getPeriod())
                            .setCode(repeat.getPeriodUnit().toCode()))
                    .orElseThrow(() -> rules.fail("home action " + action.getId() + ": unsupported period"));
            home.add(new HomeStep(stepId(rules, action), titleOf(action, ad), descriptionOf(action, ad), codesOf(ad),
                    repeat.getFrequency(), period, kindOf(rules, ad), ad.getUrl() + "|" + ad.getVersion()));
        }
        return home;
    }

    private static ProtocolCodeSets codeSets(String source, RuleReader rules, BundleContent content) {
        PlanDefinition pd = content.planDefinition();
        Map<String, CodeSet> byRole = new HashMap<>();
        for (Extension ext : pd.getExtensionsByUrl(ProtocolExtensions.VALUE_SET)) {
            String role = rules.primitive(ext, "role");
            String canonical = rules.primitive(ext, "valueSet");
            if (!VALUE_SET_ROLES.contains(role) || byRole.containsKey(role)) {
                throw rules.fail("value set role '" + role + "' is unknown or given twice");
            }
            byRole.put(role, CodeSetReader.read(source, content.valueSet(canonical)));
        }
        for (String role : VALUE_SET_ROLES) {
            if (!byRole.containsKey(role)) {
                throw rules.fail("no value set for role '" + role + "' (extension " + ProtocolExtensions.VALUE_SET + ")");
            }
        }
        return new ProtocolCodeSets(byRole.get("trigger"), byRole.get("exclusion"), byRole.get("abscess"),
                byRole.get("ambiguous"), rules.strings(pd, ProtocolExtensions.CORROBORATING_KEYWORD),
                byRole.get("infection"), byRole.get("antibiotic"),
                rules.strings(pd, ProtocolExtensions.ANTIBIOTIC_KEYWORD), byRole.get("fever-observation"),
                byRole.get("non-systemic-route"));
    }

    private static String stepId(RuleReader rules, PlanDefinitionActionComponent action) {
        if (!action.hasId() || !action.getId().matches("[a-z0-9][a-z0-9-]*")) {
            throw rules.fail("every step action needs an id of lower-case letters, digits and '-', found '"
                    + action.getId() + "'");
        }
        return action.getId();
    }

    private static String titleOf(PlanDefinitionActionComponent action, ActivityDefinition ad) {
        return action.hasTitle() ? action.getTitle() : ad.getTitle();
    }

    private static String descriptionOf(PlanDefinitionActionComponent action, ActivityDefinition ad) {
        return action.hasDescription() ? action.getDescription() : ad.getDescription();
    }

    private static List<Code> codesOf(ActivityDefinition ad) {
        return ad.getCode().getCoding().stream().map(c -> new Code(c.getSystem(), c.getCode())).toList();
    }

    private static Performer performerOf(RuleReader rules, PlanDefinitionActionComponent action, ActivityDefinition ad) {
        String type = action.hasParticipant() ? action.getParticipantFirstRep().getType().toCode()
                : ad.hasParticipant() ? ad.getParticipantFirstRep().getType().toCode() : null;
        if ("practitioner".equals(type)) {
            return Performer.THERAPIST;
        }
        if ("patient".equals(type)) {
            return Performer.PATIENT;
        }
        throw rules.fail("action " + action.getId() + " needs participant type practitioner or patient, found " + type);
    }

    private static ActivityKind kindOf(RuleReader rules, ActivityDefinition ad) {
        String kind = ad.hasKind() ? ad.getKind().toCode() : null;
        if ("ServiceRequest".equals(kind)) {
            return ActivityKind.SERVICE_REQUEST;
        }
        if ("Task".equals(kind)) {
            return ActivityKind.TASK;
        }
        throw rules.fail("ActivityDefinition " + ad.getUrl() + " kind must be ServiceRequest or Task, found " + kind);
    }

    /** The resources of the bundle, indexed by canonical. */
    private record BundleContent(String source, PlanDefinition planDefinition, Map<String, ActivityDefinition> ads,
                                 Map<String, ValueSet> vss) {

        static BundleContent of(String source, Bundle bundle) {
            List<PlanDefinition> pds = new ArrayList<>();
            Map<String, ActivityDefinition> ads = new HashMap<>();
            Map<String, ValueSet> vss = new HashMap<>();
            for (Bundle.BundleEntryComponent entry : bundle.getEntry()) {
                Resource r = entry.getResource();
                if (r instanceof PlanDefinition pd) {
                    pds.add(pd);
                } else if (r instanceof ActivityDefinition ad) {
                    ads.put(ad.getUrl() + "|" + ad.getVersion(), ad);
                } else if (r instanceof ValueSet vs) {
                    vss.put(vs.getUrl() + "|" + vs.getVersion(), vs);
                }
            }
            if (pds.size() != 1) {
                throw new ProtocolException(source, "expected exactly one PlanDefinition in the Bundle, found " + pds.size());
            }
            PlanDefinition pd = pds.get(0);
            if (!pd.hasUrl() || !pd.hasVersion()) {
                throw new ProtocolException(source, "the PlanDefinition needs a url and a version");
            }
            return new BundleContent(source, pd, ads, vss);
        }

        ActivityDefinition definitionOf(PlanDefinitionActionComponent action) {
            if (!action.hasDefinitionCanonicalType()) {
                throw new ProtocolException(source, "action " + action.getId() + " has no definitionCanonical");
            }
            String canonical = action.getDefinitionCanonicalType().getValue();
            ActivityDefinition ad = ads.get(canonical);
            if (ad == null) {
                throw new ProtocolException(source, "action " + action.getId() + ": definitionCanonical " + canonical
                        + " does not resolve to an ActivityDefinition (url|version) in the Bundle");
            }
            return ad;
        }

        ValueSet valueSet(String canonical) {
            ValueSet vs = vss.get(canonical);
            if (vs == null) {
                throw new ProtocolException(source, "value set " + canonical
                        + " does not resolve to a ValueSet (url|version) in the Bundle");
            }
            return vs;
        }

        List<ActivityDefinition> activityDefinitions() {
            return ads.values().stream().sorted(Comparator.comparing(ActivityDefinition::getUrl)).toList();
        }

        List<ValueSet> valueSets() {
            return vss.values().stream().sorted(Comparator.comparing(ValueSet::getUrl)).toList();
        }
    }

}
