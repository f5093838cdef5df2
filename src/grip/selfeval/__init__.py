"""The annual self-evaluation of social work practice and the annual engagement meeting (ILACS
framework (Ofsted 170040) paras 27–48, 220), drafted from what Grip already holds."""
