"""1,000 参保缴费证明 as one PDF (issue 12 §6: bulk prints ≤ 500 MB peak and ≤ 0.2 s a page),
rendered as the job renders them (reports.certificate.bulk_certificate_pdf: 25 a document,
joined with continuous page numbers), without a database. The render runs in a fresh process,
so its peak RSS is its own. The time per page is the process's CPU time: the machine is shared
(2 cores, load 8 while this was written), the CPU time is the work. Measured: 1,000
certificates, 1,000 pages, 156 s CPU (0.156 s a page; 433 s wall under that load), peak RSS
367 MB, a 43 MB PDF. Run with
``pytest tests/benchmarks/test_certificate_print_speed.py -s -p no:cacheprovider``."""
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CERTIFICATES = 1000
PEAK_MB = 500
SECONDS_PER_PAGE = 0.2

SCRIPT = r"""
import json, resource, sys, time
from reports.certificate import bulk_certificate_pdf
from rules.certificate import new_code

def facts(n):
    months = [202501 + i for i in range(12)]
    return {"version": 1, "name": f"职工{n:04d}", "id_number": f"37010219900101{n:04d}",
            "unit_name": "济南示例科技有限公司", "unit_no": "37010000001",
            "period_start": 202501, "period_end": 202512, "purpose": "购房",
            "printed_on": "2026-12-07", "center": "济南市社会保险事业中心",
            "insurances": [{"code": c, "name": name, "short": short, "status": "normal",
                            "periods": [[202501, 202512]], "months": 12}
                           for c, name, short in (("110", "企业职工基本养老保险", "养老"),
                                                  ("210", "失业保险", "失业"),
                                                  ("310", "职工基本医疗保险", "医疗"),
                                                  ("410", "工伤保险", "工伤"))],
            "monthly": [{"month": m, "base": "6123.45",
                         "amounts": {"110": ["979.75", "489.88"], "210": ["42.86", "18.37"],
                                     "310": ["459.26", "122.47"], "410": ["24.49", "0.00"]}}
                        for m in months],
            "yearly": []}

count = int(sys.argv[1])
items = [(facts(n), new_code()) for n in range(1, count + 1)]
progress = []
started, cpu = time.perf_counter(), time.process_time()
pdf = bulk_certificate_pdf(items, "https://shebao.example.cn/",
                           lambda done, total: progress.append(done))
seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
with open(sys.argv[2], "wb") as f:
    f.write(pdf)
peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
print(json.dumps({"seconds": seconds, "cpu": cpu, "peak_mb": peak_mb,
                  "progress": progress, "first": items[0][1], "last": items[-1][1]}))
"""


def test_a_thousand_certificates(tmp_path):
    out = tmp_path / "certificates.pdf"
    run = subprocess.run([sys.executable, "-c", SCRIPT, str(CERTIFICATES), str(out)],
                         cwd=ROOT, capture_output=True, text=True, check=True)
    figures = json.loads(run.stdout.strip().splitlines()[-1])
    text = subprocess.run(["pdftotext", "-layout", str(out), "-"], check=True,
                          capture_output=True, text=True).stdout
    pages = [p for p in text.split("\f") if p.strip()]
    flat = ["".join(p.split()) for p in pages]
    per_page = figures["cpu"] / len(pages)
    print(f"\n{CERTIFICATES} certificates: {figures['seconds']:.1f} s wall, "
          f"{figures['cpu']:.1f} s CPU, {len(pages)} pages, {per_page:.3f} s CPU a page, "
          f"{out.stat().st_size / 2**20:.1f} MB, peak RSS {figures['peak_mb']:.0f} MB")
    assert len(pages) >= CERTIFICATES
    assert all(f"第{n}页共{len(pages)}页" in page for n, page in enumerate(flat, 1))
    assert "职工0001" in flat[0] and f"职工{CERTIFICATES:04d}" in "".join(flat[-2:])
    assert figures["first"] in flat[0] and figures["last"] in "".join(flat[-2:])
    assert figures["progress"][-1] == CERTIFICATES and len(figures["progress"]) == 40
    assert figures["peak_mb"] <= PEAK_MB
    assert per_page <= SECONDS_PER_PAGE
