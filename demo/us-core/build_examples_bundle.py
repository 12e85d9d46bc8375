"""Builds demo/us-core/us_core_7_examples_patient_example.json from the US Core 7.0.0 package examples.

python3 demo/us-core/build_examples_bundle.py ig/src/main/resources/portico/ig/packages/hl7.fhir.us.core-7.0.0.tgz \
    demo/us-core/us_core_7_examples_patient_example.json

Patient/example with every example that references it and what those reference (Practitioner,
Organization, Location, Medication...), PUT with their ids; the additions marked "Portico" below.
"""
import json,glob,copy,sys,tarfile,io
pkg=sys.argv[1]; out=sys.argv[2]
res={}
with tarfile.open(pkg) as t:
    for m in t.getmembers():
        if m.name.startswith('package/example/') and m.name.endswith('.json'):
            r=json.load(t.extractfile(m))
            res[r['resourceType']+'/'+r['id']]=r
def refs(n,out):
    if isinstance(n,dict):
        for k,v in n.items():
            if k=='reference' and isinstance(v,str): out.append(v)
            else: refs(v,out)
    elif isinstance(n,list):
        for x in n: refs(x,out)
    return out
PATIENT='Patient/example'
chosen=[k for k,r in res.items() if r['resourceType'] not in ('Bundle','Questionnaire','Patient','Provenance') and PATIENT in refs(r,[])]
closure=[PATIENT]+sorted(chosen)
i=0
while i<len(closure):
    for ref in refs(res[closure[i]],[]):
        if ref in res and ref not in closure and not ref.startswith('Patient/'): closure.append(ref)
    i+=1
dangling=sorted({ref for k in closure for ref in refs(res[k],[]) if not ref.startswith('#') and ref not in res})
# numeric ids: HAPI's ALPHANUMERIC client id strategy refuses them
rename={k:k.split('/')[0]+'/example-'+k.split('/')[1] for k in closure if k.split('/')[1].isdigit()}
def fix(n):
    if isinstance(n,dict):
        for k,v in list(n.items()):
            if k=='reference' and isinstance(v,str):
                if v in rename: n[k]=rename[v]
                elif v in dangling: n[k]=None
            else: fix(v)
        for k in [k for k,v in n.items() if v is None]: del n[k]
    elif isinstance(n,list):
        for x in n: fix(x)
entries=[]
for k in closure:
    r=copy.deepcopy(res[k]); fix(r)
    if k in rename: r['id']=rename[k].split('/')[1]
    entries.append(r)
byid={r['resourceType']+'/'+r['id']:r for r in entries}
def cat(system,code,display):
    return {'coding':[{'system':system,'code':code,'display':display}],'text':display}
OC='http://terminology.hl7.org/CodeSystem/observation-category'
# Portico additions (12.50): survey Observations with the functional, cognitive and activity categories
for oid in ('simple-observation-functional-status','simple-observation-cognitive-status'):
    byid['Observation/'+oid]['category'].append(cat(OC,'survey','Survey'))
byid['Observation/EVS-item-example-89555-7']['category'].append(cat(OC,'activity','Activity'))
# (12.49): the clinical note types the examples lack, and the cardiology report's PDF as a DocumentReference
base=byid['DocumentReference/discharge-summary']
for did,code,display,url in [('portico-imaging-narrative','18748-4','Diagnostic imaging study',None),
                             ('portico-lab-report-narrative','11502-2','Laboratory report',None),
                             ('portico-pathology-narrative','11526-1','Pathology study',None),
                             ('portico-cardiology-report','11488-4','Consult note','http://example.org/pdfdownloads/cardiopanel-report-123.pdf')]:
    d=copy.deepcopy(base); d['id']=did
    d['type']={'coding':[{'system':'http://loinc.org','code':code,'display':display}],'text':display}
    d.pop('text',None); d.pop('identifier',None)
    if url:
        for c in d['content']:
            c['attachment']={'contentType':'application/pdf','url':url}
    entries.append(d)
# (12.13, 12.16, 12.17, 12.18, 12.23, 12.24, 12.28, 12.35): must-supports no example populates
byid['Encounter/example-1']['reasonReference']=[{'reference':'Condition/encounter-diagnosis-example1'}]
mr=byid['MedicationRequest/medicationrequest-coded-oral-axid']
mr['category']=[{'coding':[{'system':'http://terminology.hl7.org/CodeSystem/medicationrequest-category','code':'community','display':'Community'}],'text':'Community'}]
mr['reportedReference']={'reference':'Practitioner/practitioner-1'}
md=copy.deepcopy(byid['MedicationDispense/medicationdispense-example']); md['id']='portico-medicationdispense-referenced'
del md['medicationCodeableConcept']; md['medicationReference']={'reference':'Medication/uscore-med1'}
entries.append(md)
if 'Medication/uscore-med1' not in byid:
    entries.append(copy.deepcopy(res['Medication/uscore-med1']))
lab=copy.deepcopy(byid['Observation/urobilinogen']); lab['id']='portico-urobilinogen-string'
del lab['valueQuantity']; lab['valueString']='0.3 mg/dL (normal)'; lab.pop('interpretation',None); lab.pop('referenceRange',None)
entries.append(lab)
for oid,text in (('treatment-intervention-preference','Prefers to avoid hospital admission'),('care-experience-preference','Prefers a single room')):
    o=copy.deepcopy(byid['Observation/'+oid]); o['id']='portico-'+oid+'-coded'
    del o['valueString']; o['valueCodeableConcept']={'text':text}
    entries.append(o)
byid['Observation/oxygen-saturation']['component']=[{'code':{'coding':[{'system':'http://loinc.org','code':'3150-0','display':'Inhaled oxygen concentration'}],'text':'Inhaled oxygen concentration'},
    'valueQuantity':{'value':21,'unit':'%','system':'http://unitsofmeasure.org','code':'%'}}]
avg=copy.deepcopy(byid['Observation/average-blood-pressure']); avg['id']='portico-average-blood-pressure-data-absent'
for c in avg['component']:
    c.pop('valueQuantity',None)
    c['dataAbsentReason']={'coding':[{'system':'http://terminology.hl7.org/CodeSystem/data-absent-reason','code':'unknown','display':'Unknown'}]}
entries.append(avg)
# (scenario 10): US Core 6.1.0's smoking status requires effectiveDateTime; this 7.0.0 example has a Period
smoker=byid['Observation/some-day-smoker']
if 'effectivePeriod' in smoker:
    smoker['effectiveDateTime']=smoker.pop('effectivePeriod')['start']
# one Provenance per resource (the examples' own Provenance targets another patient), as the data's source would send it
targets=[r for r in entries if r['resourceType'] not in ('Practitioner','Organization','Location','Medication')]
for r in targets:
    entries.append({'resourceType':'Provenance','id':('prov-'+r['resourceType'].lower()[:8]+'-'+r['id'])[:64],
      'meta':{'profile':['http://hl7.org/fhir/us/core/StructureDefinition/us-core-provenance']},
      'target':[{'reference':r['resourceType']+'/'+r['id']}],'recorded':'2024-01-01T00:00:00Z',
      'agent':[{'type':{'coding':[{'system':'http://terminology.hl7.org/CodeSystem/provenance-participant-type','code':'author','display':'Author'}]},
                'who':{'reference':'Practitioner/practitioner-1'},'onBehalfOf':{'reference':'Organization/acme-lab'}},
               {'type':{'coding':[{'system':'http://hl7.org/fhir/us/core/CodeSystem/us-core-provenance-participant-type','code':'transmitter','display':'Transmitter'}]},
                'who':{'reference':'Organization/acme-lab'}}]})
# narratives are not what the suite reads (CarePlan.text is must-support: kept)
for r in entries:
    if r['resourceType']!='CarePlan': r.pop('text',None)
ids=[r['resourceType']+'/'+r['id'] for r in entries]
assert len(ids)==len(set(ids)), 'duplicate ids'
bundle={'resourceType':'Bundle','type':'transaction','entry':[{'fullUrl':r['resourceType']+'/'+r['id'],'resource':r,'request':{'method':'PUT','url':r['resourceType']+'/'+r['id']}} for r in entries]}
json.dump(bundle,open(out,'w'),ensure_ascii=False,separators=(',',':'))
print(len(entries),'entries; renamed',rename,'; dangling references dropped',dangling, file=sys.stderr)
