"""注意事项: the notice a clerk reads and confirms before entering a business that has one (the
济南 manual's 社会保险费补缴申报 opens on 查询注意事项). A step before the entry form, mixed into
DeclarationWizard: the business's menu entry opens here (``wizard_for`` sets the default
view), confirming leads to the entry form, and the entry form links back. The confirmation is
audited and remembered for the login session. 404 for a business without a notice."""
from flask import abort, flash, redirect, request, session, url_for
from flask_appbuilder import expose, has_access
from flask_babel import gettext as __
from flask_babel import lazy_gettext as _

from app import audit
from app.extensions import db

NOTICE_PERMISSIONS = {"notice": "new"}
SESSION_KEY = "notices_confirmed"

NOTICES = {
    "C5": (
        _("社会保险费补缴申报注意事项"),
        (
            _("一、补缴只适用于本单位在职参保人员在本单位参保期间内未足额缴纳的月份；"
              "不在本单位参保期间的月份、已缴费的月份及已生成缴费单据的月份不能补缴。"),
            _("二、补缴月份最早为1995年1月；补缴截止年月不能晚于本月。"),
            _("三、各月按该月的费率计算，补缴基数按该月所属年度的缴费基数上下限确定："
              "低于下限的按下限、高于上限的按上限。"),
            _("四、补缴须按《社会保险法》第八十六条计收滞纳金：自各月费款应缴之日起，"
              "按日加收万分之五，计至实际缴费之日。申报时显示的滞纳金计至当日，缴费时按实际缴费日重算。"),
            _("五、已达到法定退休年龄且此前无缴费记录的人员不能补缴。"),
            _("六、须上传补缴期间的劳动合同及工资发放记录；经办机构审核通过后，请打印社会保险费补缴申请表，"
              "加盖单位公章后留存备查。"),
            _("七、提供虚假材料骗取社会保险待遇的，依法承担法律责任。"),
        ),
    ),
}


class NoticeSteps:
    @property
    def notice_text(self):
        """(title, paragraphs) of this business's notice, or None."""
        return NOTICES.get(self.business.code)

    @expose("/notice/", methods=["GET", "POST"])
    @has_access
    def notice(self):
        if self.notice_text is None:
            abort(404)
        code = self.business.code
        if request.method == "POST":
            if request.form.get("confirm") != "1":
                flash(__("请先阅读并勾选“我已阅读并知晓上述注意事项”"), "danger")
            else:
                session[SESSION_KEY] = sorted(set(session.get(SESSION_KEY, [])) | {code})
                audit.record("notice_confirmed", target_type="business", target_id=code)
                db.session.commit()
                return redirect(url_for(f"{type(self).__name__}.new"))
        title, paragraphs = self.notice_text
        return self.render_template(
            "declaration/notice.html", business=self.business, wizard=self, title=title,
            paragraphs=paragraphs, confirmed=code in session.get(SESSION_KEY, []))
