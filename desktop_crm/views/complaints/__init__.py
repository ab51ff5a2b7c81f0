"""投诉登记簿 and 顾客产品质量投诉调查处理记录: the complaint list page and the record dialog."""
