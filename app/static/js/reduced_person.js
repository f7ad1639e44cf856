// C9/C10 entry form: picking one of the unit's reduced people shows their 性别, 出生日期, 减员年月
// and 减员原因 beside the form and fills 姓名 (the list comes from #reduced-people, the page's own
// JSON: only this unit's people).
(function () {
  var data = document.getElementById("reduced-people");
  var select = document.getElementById("id_number");
  if (!data || !select) { return; }
  var parsed = JSON.parse(data.textContent);
  var people = {};
  parsed.people.forEach(function (p) { people[p.id_number] = p; });
  function show(id, value) { document.getElementById(id).textContent = value || ""; }
  select.addEventListener("change", function () {
    var p = people[select.value] || {};
    show("rp-gender", parsed.genders[p.gender] || p.gender);
    show("rp-birth", p.birth_date);
    show("rp-end", p.end_month);
    show("rp-reason", p.reduce_reason);
    var name = document.getElementById("name");
    if (name && p.name) { name.value = p.name; }
  });
})();
