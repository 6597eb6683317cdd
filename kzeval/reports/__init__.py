"""Conclusions in the Agency's legal forms and the national ranking (``kzeval report``).

The reports only *read* the published warehouse (``marts`` schema, read-only connection):
``data`` loads one year and the year before, ``build`` turns them into report models
(forms, analysis, ranking), ``html`` and ``xlsx`` render those models. Labels follow the
conclusion forms of the seeds (interaction methodology Appendices 3, 4, 8, 12, 15; the
org-development methodology Appendix 14) and are kept in ``forms``.
"""
