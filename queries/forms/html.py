"""The printed appointment form as HTML: A4, the standard bordered table, a CJK font."""

# ruff: noqa: E501  (the template keeps one table row a line, as the printed form reads)

from __future__ import annotations

import base64
from html import escape

from queries.forms.document import FormDocument

__all__ = ["render_html"]

_CSS = """
@page { size: A4; margin: 14mm 16mm; }
body { font-family: "SimSun", "Songti SC", "WenQuanYi Micro Hei", "Noto Sans CJK SC",
       sans-serif; font-size: 10.5pt; color: #000; margin: 0; }
h1 { text-align: center; font-size: 20pt; letter-spacing: 6pt; margin: 0 0 6pt; }
table { border-collapse: collapse; width: 100%; table-layout: fixed; }
td { border: 1px solid #000; padding: 3pt 4pt; vertical-align: middle; text-align: center;
     word-break: break-all; }
td.label { font-weight: normal; }
td.text { text-align: left; vertical-align: top; white-space: pre-wrap; line-height: 1.55; }
td.photo { width: 28mm; height: 36mm; color: #666; }
td.photo img { width: 26mm; height: 34mm; object-fit: cover; }
.resume { height: 150mm; }
.page { page-break-after: always; }
.page:last-child { page-break-after: auto; }
.small { font-size: 9pt; }
.sign { height: 28mm; text-align: right; vertical-align: bottom; padding: 4pt 10pt; }
"""


def _v(document: FormDocument, key: str) -> str:
    return escape(document.get(key))


def _ym(text: str) -> str:
    digits = text.replace(".", "")
    return f"{digits[:4]}.{digits[4:6]}" if len(digits) >= 6 and digits[:6].isdigit() else text


def render_html(document: FormDocument) -> str:
    """The form as one HTML page set (two A4 pages), ready for a browser or PDF printing."""
    d = document
    age = f"<br>（{d.age}岁）" if d.age is not None else ""
    photo = (
        f'<img src="data:{escape(d.photo_type or "image/jpeg")};base64,'
        f'{base64.b64encode(d.photo).decode()}" alt="照片">'
        if d.photo
        else "照片"
    )
    family_rows = "".join(
        "<tr>"
        f"<td>{escape(m.get('relation', ''))}</td><td>{escape(m.get('name', ''))}</td>"
        f"<td>{escape(_ym(m.get('birth', '')))}</td><td>{escape(m.get('politics', ''))}</td>"
        f'<td colspan="2" class="text">{escape(m.get("workplace", ""))}</td>'
        "</tr>"
        for m in d.family
    )
    blank_rows = '<tr style="height:8mm">' + "<td></td>" * 4 + '<td colspan="2"></td></tr>'
    family_rows += blank_rows * max(0, 6 - len(d.family))
    family_span = max(6, len(d.family)) + 1
    computed = _ym(d.get("JiSuanNianLingShiJian"))
    return f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8">
<title>干部任免审批表 {_v(d, "XingMing")}</title><style>{_CSS}</style></head>
<body>
<div class="page">
<h1>干部任免审批表</h1>
<table>
<colgroup><col style="width:13%"><col style="width:13%"><col style="width:11%">
<col style="width:13%"><col style="width:13%"><col style="width:15%"><col style="width:22%"></colgroup>
<tr><td class="label">姓　名</td><td>{_v(d, "XingMing")}</td><td class="label">性　别</td>
<td>{_v(d, "XingBie")}</td><td class="label">出生年月<br>（岁）</td>
<td>{escape(_ym(d.get("ChuShengNianYue")))}{age}</td>
<td rowspan="4" class="photo">{photo}</td></tr>
<tr><td class="label">民　族</td><td>{_v(d, "MinZu")}</td><td class="label">籍　贯</td>
<td>{_v(d, "JiGuan")}</td><td class="label">出生地</td><td>{_v(d, "ChuShengDi")}</td></tr>
<tr><td class="label">入　党<br>时　间</td><td>{escape(_ym(d.get("RuDangShiJian")))}</td>
<td class="label">参加工<br>作时间</td><td>{escape(_ym(d.get("CanJiaGongZuoShiJian")))}</td>
<td class="label">健康状况</td><td>{_v(d, "JianKangZhuangKuang")}</td></tr>
<tr><td class="label">专业技<br>术职务</td><td colspan="2">{_v(d, "ZhuanYeJiShuZhiWu")}</td>
<td class="label">熟悉专业<br>有何专长</td><td colspan="2">{_v(d, "ShuXiZhuanYeYouHeZhuanChang")}</td></tr>
<tr><td rowspan="2" class="label">学　历<br>学　位</td><td class="label">全日制<br>教　育</td>
<td colspan="2">{_v(d, "QuanRiZhiJiaoYu_XueLi")}<br>{_v(d, "QuanRiZhiJiaoYu_XueWei")}</td>
<td class="label">毕业院校<br>系及专业</td>
<td colspan="2">{_v(d, "QuanRiZhiJiaoYu_XueLi_BiYeYuanXiaoXi")}</td></tr>
<tr><td class="label">在　职<br>教　育</td>
<td colspan="2">{_v(d, "ZaiZhiJiaoYu_XueLi")}<br>{_v(d, "ZaiZhiJiaoYu_XueWei")}</td>
<td class="label">毕业院校<br>系及专业</td>
<td colspan="2">{_v(d, "ZaiZhiJiaoYu_XueLi_BiYeYuanXiaoXi")}</td></tr>
<tr><td class="label" colspan="2">现 任 职 务</td><td colspan="5" class="text">{_v(d, "XianRenZhiWu")}</td></tr>
<tr><td class="label" colspan="2">拟 任 职 务</td><td colspan="5" class="text">{_v(d, "NiRenZhiWu")}</td></tr>
<tr><td class="label" colspan="2">拟 免 职 务</td><td colspan="5" class="text">{_v(d, "NiMianZhiWu")}</td></tr>
<tr class="resume"><td class="label">简<br><br><br>历</td>
<td colspan="6" class="text">{_v(d, "JianLi")}</td></tr>
</table>
</div>
<div class="page">
<table>
<colgroup><col style="width:13%"><col style="width:11%"><col style="width:13%">
<col style="width:13%"><col style="width:13%"><col style="width:15%"><col style="width:22%"></colgroup>
<tr style="height:26mm"><td class="label">奖<br>惩<br>情<br>况</td>
<td colspan="6" class="text">{_v(d, "JiangChengQingKuang")}</td></tr>
<tr style="height:18mm"><td class="label">年度考<br>核结果</td>
<td colspan="6" class="text">{_v(d, "NianDuKaoHeJieGuo")}</td></tr>
<tr style="height:18mm"><td class="label">任免<br>理由</td>
<td colspan="6" class="text">{_v(d, "RenMianLiYou")}</td></tr>
<tr><td rowspan="{family_span}" class="label">家庭<br>主要<br>成员<br>及重<br>要社<br>会关<br>系</td>
<td class="label">称谓</td><td class="label">姓　名</td><td class="label">出生年月</td>
<td class="label">政治<br>面貌</td><td colspan="2" class="label">工作单位及职务</td></tr>
{family_rows}
<tr><td class="label">呈报<br>单位</td><td colspan="6" class="sign">{_v(d, "ChengBaoDanWei")}<br>
（盖章）　　年　　月　　日</td></tr>
<tr><td class="label">审批机<br>关意见</td><td colspan="3" class="sign">（盖章）<br>年　月　日</td>
<td class="label">行政机<br>关任免<br>意　见</td><td colspan="2" class="sign">（盖章）<br>年　月　日</td></tr>
</table>
<p class="small">计算年龄时间：{escape(computed)}　　填表人：{_v(d, "TianBiaoRen")}
　　填表时间：{escape(_ym(d.get("TianBiaoShiJian")))}</p>
</div>
</body></html>
"""
