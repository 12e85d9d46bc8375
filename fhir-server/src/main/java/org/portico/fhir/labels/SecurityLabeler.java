package org.portico.fhir.labels;

import ca.uhn.fhir.context.BaseRuntimeChildDefinition;
import ca.uhn.fhir.context.BaseRuntimeElementCompositeDefinition;
import ca.uhn.fhir.context.FhirContext;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.hl7.fhir.instance.model.api.IBase;
import org.hl7.fhir.r4.model.CodeableConcept;
import org.hl7.fhir.r4.model.Coding;
import org.hl7.fhir.r4.model.DomainResource;
import org.hl7.fhir.r4.model.Medication;
import org.hl7.fhir.r4.model.Reference;
import org.hl7.fhir.r4.model.Resource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds HL7 security labels to a resource from its codes, by {@link LabelRules} (ADR 0021): each rule
 * whose code system and code (or code range) occurs in one of the type's listed elements adds its
 * sensitivity labels, and any match adds the rules' confidentiality label ({@code R}). Labels already in
 * {@code meta.security} (a source's own, or ours from an earlier send) are kept and never added twice;
 * nothing is ever removed. Called once per resource before it is stored (ingest, demo loader).
 */
public final class SecurityLabeler {

    private static final Logger log = LoggerFactory.getLogger(SecurityLabeler.class);

    /** What one rule did to one resource: the labels the resource carries because of it. */
    public record Applied(String ruleId, List<LabelRules.Label> labels) {
        /** e.g. {@code sud-icd10cm: ETH, SUD, R} */
        public String describe() {
            return ruleId + ": " + String.join(", ", labels.stream().map(LabelRules.Label::code).toList());
        }
    }

    private final LabelRules rules;
    private final FhirContext fhir = FhirContext.forR4Cached();

    public SecurityLabeler(LabelRules rules) {
        this.rules = rules;
        log.info("security label rules {} version {}: {} rules", rules.id(), rules.version(), rules.rules().size());
    }

    public LabelRules rules() {
        return rules;
    }

    /**
     * Labels the resource in place; answers the rules that matched with the labels each implies (the
     * confidentiality label with each), whether or not the resource carried them already. Empty when no
     * rule matched.
     */
    public List<Applied> label(Resource resource) {
        List<String> elementNames = rules.elements().get(resource.fhirType());
        if (elementNames == null) {
            return List.of();
        }
        List<Coding> codings = codings(resource, elementNames);
        if (codings.isEmpty()) {
            return List.of();
        }
        List<Applied> applied = new ArrayList<>();
        for (LabelRules.Rule rule : rules.rules()) {
            for (Coding coding : codings) {
                if (rule.matches(coding.getSystem(), coding.getCode())) {
                    List<LabelRules.Label> labels = new ArrayList<>(rule.labels());
                    labels.add(rules.confidentiality());
                    applied.add(new Applied(rule.id(), List.copyOf(labels)));
                    break;
                }
            }
        }
        Set<String> present = new LinkedHashSet<>();
        resource.getMeta().getSecurity().forEach(c -> present.add(c.getSystem() + "|" + c.getCode()));
        for (Applied a : applied) {
            for (LabelRules.Label label : a.labels()) {
                if (present.add(label.key())) {
                    resource.getMeta().addSecurity(new Coding(label.system(), label.code(), label.display()));
                }
            }
        }
        return List.copyOf(applied);
    }

    /** The codings of the listed elements (CodeableConcept or Coding values; a contained Medication's code). */
    private List<Coding> codings(Resource resource, List<String> elementNames) {
        BaseRuntimeElementCompositeDefinition<?> definition = fhir.getResourceDefinition(resource);
        List<Coding> codings = new ArrayList<>();
        for (String name : elementNames) {
            BaseRuntimeChildDefinition child = definition.getChildByName(name);
            if (child == null) {
                child = definition.getChildByName(name + "[x]");
            }
            if (child == null) {
                continue;
            }
            for (IBase value : child.getAccessor().getValues(resource)) {
                if (value instanceof CodeableConcept concept) {
                    codings.addAll(concept.getCoding());
                } else if (value instanceof Coding coding) {
                    codings.add(coding);
                } else if (value instanceof Reference reference && resource instanceof DomainResource domain) {
                    // medicationReference to a contained Medication ("#med"): its code is the medication
                    String ref = reference.getReference();
                    if (ref != null && ref.startsWith("#")) {
                        for (Resource contained : domain.getContained()) {
                            String id = contained.getIdElement().getIdPart();
                            if (contained instanceof Medication medication && id != null && ref.substring(1).equals(id.replace("#", ""))) {
                                codings.addAll(medication.getCode().getCoding());
                            }
                        }
                    }
                }
            }
        }
        return codings;
    }
}
