"""The demo data: realistic deliverables with real files, flags and decisions."""

import os

from intranet.cempaka import uploads
from intranet.cempaka.models import Review, Submission, SubmissionFile
from intranet.demo import load_demo
from intranet.people.models import User


def test_demo_loads_deliverables_with_files_and_decisions(app_ctx, tmp_path):
    assert load_demo(staff=40, accounts_file=str(tmp_path / "accounts.txt"))
    pegawai = User.get(User.email == "pegawai@kanim-jakpus.example")
    atasan = User.get(User.email == "atasan@kanim-jakpus.example")
    assert Submission.select().where(Submission.employee == pegawai.id).count() == 12
    statuses = {s.status for s in Submission.select(Submission.status)}
    assert {"pending", "approved"} <= statuses
    assert Submission.select().where(Submission.flags != 0).exists()
    pending_for_atasan = (
        Submission.select()
        .join(User, on=(Submission.employee == User.id))
        .where((User.supervisor == atasan.id) & (Submission.status == "pending"))
        .count()
    )
    assert pending_for_atasan > 0
    assert (
        Review.select().count() == Submission.select().where(Submission.status != "pending").count()
    )
    f = SubmissionFile.select().first()
    with open(uploads.path_for(f.stored_name), "rb") as fh:
        data = fh.read()
    assert data.startswith(b"%PDF-") and len(data) == f.size
    assert os.path.basename(f.stored_name) != f.original_name
    # every demo file passes the upload checks itself
    assert uploads.check_content(f.original_name, "pdf", data).sha256 == f.sha256
