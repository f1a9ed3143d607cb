#!/usr/bin/env python3
"""Compares tcplens --format jsonl output with gen_pcap.py --truth ground truth.

usage: check_truth.py bench-1m.truth.tsv out.jsonl
(sessions matched by endpoints; prints the number of mismatches)
"""
import json, sys
truth={}
for line in open(sys.argv[1]):
    if line.startswith('#'): continue
    f=line.rstrip('\n').split('\t')
    truth[(f[1],f[2])]=f
def ep(a,p): return f"[{a}]:{p}" if ':' in a else f"{a}:{p}"
bad=0; flipped=0; n=0
for l in open(sys.argv[2]):
    r=json.loads(l); n+=1
    c,s=ep(r['client_addr'],r['client_port']),ep(r['server_addr'],r['server_port'])
    got=[r['packets_c2s'],r['bytes_c2s'],r['packets_s2c'],r['bytes_s2c']]
    t=truth.get((c,s))
    if t is None:
        t=truth.get((s,c)); flipped+=1; got=[got[2],got[3],got[0],got[1]]
        if t is None: bad+=1; continue
    exp=[int(t[7]),int(t[8]),int(t[9]),int(t[10]),int(t[11]),int(t[12]),int(t[13]),int(round(float(t[15])*1e6))*1000,int(round(float(t[16])*1e6))*1000]
    got+= [r['syn_packets']+r['synack_packets'],r['fin_c2s']+r['fin_s2c'],r['rst_c2s']+r['rst_s2c'],r['start_ns'],r['end_ns']]
    if exp!=got:
        bad+=1
        if bad<5: print(t, got)
print("sessions",n,"of",len(truth),"mismatch",bad,"client/server flipped (midstream, inferred)",flipped)
