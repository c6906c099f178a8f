<?php
// This file is part of Moodle - https://moodle.org/
//
// Moodle is free software: you can redistribute it and/or modify
// it under the terms of the GNU General Public License as published by
// the Free Software Foundation, either version 3 of the License, or
// (at your option) any later version.
//
// Moodle is distributed in the hope that it will be useful,
// but WITHOUT ANY WARRANTY; without even the implied warranty of
// MERCHANTABILITY or FITNESS FOR A PARTICULAR PURPOSE.  See the
// GNU General Public License for more details.
//
// You should have received a copy of the GNU General Public License
// along with Moodle.  If not, see <https://www.gnu.org/licenses/>.

/**
 * Web service functions and the pre-built service of local_cooperare.
 *
 * @package    local_cooperare
 * @copyright  2026 Asociația Comunelor din România
 * @license    https://www.gnu.org/copyleft/gpl.html GNU GPL v3 or later
 */

defined('MOODLE_INTERNAL') || die();

$functions = [
    'local_cooperare_describe_courses' => [
        'classname' => 'local_cooperare\external\describe_courses',
        'description' => 'Pack-managed structure of courses (sections, activities, quiz questions, completion criteria, '
            . 'cohort sync), with the hashes needed to plan changes and to detect drift.',
        'type' => 'read',
        'capabilities' => 'local/cooperare:provision',
        'ajax' => false,
    ],
    'local_cooperare_save_sections' => [
        'classname' => 'local_cooperare\external\save_sections',
        'description' => 'Create missing course sections and set their name, summary and visibility.',
        'type' => 'write',
        'capabilities' => 'local/cooperare:provision, moodle/course:update, moodle/course:sectionvisibility',
        'ajax' => false,
    ],
    'local_cooperare_save_activities' => [
        'classname' => 'local_cooperare\external\save_activities',
        'description' => 'Create or update activities (page, url, label, forum, quiz, feedback, resource, '
            . 'bigbluebuttonbn) keyed by course module idnumber, with visibility, activity completion rules and module '
            . 'options.',
        'type' => 'write',
        // Creating an activity also needs mod/<modname>:addinstance (create_module() checks it). The list is stored in
        // external_functions.capabilities, a char(255): mod/bigbluebuttonbn:addinstance (an optional module, installed
        // disabled) no longer fits and is documented in the README instead.
        'capabilities' => 'local/cooperare:provision, moodle/course:manageactivities, moodle/course:activityvisibility, '
            . 'mod/page:addinstance, mod/url:addinstance, mod/label:addinstance, mod/forum:addinstance, '
            . 'mod/quiz:addinstance, mod/feedback:addinstance, mod/resource:addinstance',
        'ajax' => false,
    ],
    'local_cooperare_delete_activities' => [
        'classname' => 'local_cooperare\external\delete_activities',
        'description' => 'Delete activities created by this plugin, by course module idnumber.',
        'type' => 'write',
        'capabilities' => 'local/cooperare:provision, moodle/course:manageactivities',
        'ajax' => false,
    ],
    'local_cooperare_save_questions' => [
        'classname' => 'local_cooperare\external\save_questions',
        'description' => 'Import questions (Moodle XML, one per item) into the question bank of a quiz, keyed by '
            . 'question idnumber (a changed question gets a new version), and set the quiz slots and marks.',
        'type' => 'write',
        // moodle/course:manageactivities in the course; the others in the quiz context.
        'capabilities' => 'local/cooperare:provision, moodle/course:manageactivities, mod/quiz:manage, '
            . 'moodle/question:add, moodle/question:editall',
        'ajax' => false,
    ],
    'local_cooperare_set_completion' => [
        'classname' => 'local_cooperare\external\set_completion',
        'description' => 'Set the course completion criteria: required activities, aggregation and course grade.',
        'type' => 'write',
        'capabilities' => 'local/cooperare:provision, moodle/course:update',
        'ajax' => false,
    ],
    'local_cooperare_save_cohort_sync' => [
        'classname' => 'local_cooperare\external\save_cohort_sync',
        'description' => 'Add or update cohort sync enrolment instances (cohort to course, role, optional group).',
        'type' => 'write',
        'capabilities' => 'local/cooperare:provision, moodle/course:enrolconfig, enrol/cohort:config',
        'ajax' => false,
    ],
    'local_cooperare_delete_cohort_sync' => [
        'classname' => 'local_cooperare\external\delete_cohort_sync',
        'description' => 'Remove cohort sync enrolment instances created by this plugin.',
        'type' => 'write',
        'capabilities' => 'local/cooperare:provision, moodle/course:enrolconfig, enrol/cohort:config',
        'ajax' => false,
    ],
    'local_cooperare_save_news_forum_staff' => [
        'classname' => 'local_cooperare\external\save_news_forum_staff',
        'description' => 'Make the listed course participants the ones who post announcements: subscribed to the '
            . 'course news forum and allowed mod/forum:addnews there (a role override only when their roles lack it).',
        'type' => 'write',
        'capabilities' => 'local/cooperare:provision, moodle/course:manageactivities, moodle/role:override',
        'ajax' => false,
    ],
    'local_cooperare_save_book_chapters' => [
        'classname' => 'local_cooperare\external\save_book_chapters',
        'description' => 'Set the chapters of a book activity the pack manages (importsrc cooperare:<key>) to the '
            . 'listed ones: create, update, leave alone, delete the ones not listed; chapters written by hand stay.',
        'type' => 'write',
        'capabilities' => 'local/cooperare:provision, moodle/course:manageactivities, mod/book:edit',
        'ajax' => false,
    ],
    'local_cooperare_get_book_chapters' => [
        'classname' => 'local_cooperare\external\get_book_chapters',
        'description' => 'The chapters of a book activity in page order: key (empty for a chapter written by hand), '
            . 'page, subchapter flag, hidden flag, title and the SHA-1 of the content.',
        'type' => 'read',
        'capabilities' => 'local/cooperare:provision, moodle/course:manageactivities, mod/book:read',
        'ajax' => false,
    ],
    'local_cooperare_add_user_files' => [
        'classname' => 'local_cooperare\external\add_user_files',
        'description' => 'Put files from draft areas of the calling user (uploaded with webservice/upload.php) into '
            . 'the private files of other users; a file already there with the same content is left alone.',
        'type' => 'write',
        // Both in the context of the user receiving the file.
        'capabilities' => 'local/cooperare:provision, moodle/user:editprofile',
        'ajax' => false,
    ],
    'local_cooperare_get_course_completions' => [
        'classname' => 'local_cooperare\external\get_course_completions',
        'description' => 'Course completion of every tracked user of a course, up to 1000 users a call (core answers '
            . 'one user per call).',
        'type' => 'read',
        'capabilities' => 'local/cooperare:provision, report/completion:view',
        'ajax' => false,
    ],
    'local_cooperare_get_roles' => [
        'classname' => 'local_cooperare\external\get_roles',
        'description' => 'The site\'s roles: id, shortname, archetype and whether each can be given in a course.',
        'type' => 'read',
        'capabilities' => 'local/cooperare:provision',
        'ajax' => false,
    ],
    'local_cooperare_publish_site' => [
        'classname' => 'local_cooperare\external\publish_site',
        'description' => 'Make a site the plugin serves (the public certificate verification page at '
            . '/local/cooperare/verify.php/) hold exactly the files of a draft area of the caller.',
        'type' => 'write',
        'capabilities' => 'local/cooperare:provision',
        'ajax' => false,
    ],
    'local_cooperare_get_forum_posts' => [
        'classname' => 'local_cooperare\external\get_forum_posts',
        'description' => 'Every post of a forum, all discussions together, up to 1000 a call, in post id order.',
        'type' => 'read',
        'capabilities' => 'local/cooperare:provision, mod/forum:viewdiscussion',
        'ajax' => false,
    ],
    'local_cooperare_get_site_setup' => [
        'classname' => 'local_cooperare\external\get_site_setup',
        'description' => 'Installed language packs, default language and timezone of the site, and whether restricted '
            . 'access and completion tracking are enabled.',
        'type' => 'read',
        'capabilities' => 'local/cooperare:provision',
        'ajax' => false,
    ],
    'local_cooperare_save_enrol_methods' => [
        'classname' => 'local_cooperare\external\save_enrol_methods',
        'description' => 'Set up the self enrolment and guest access of courses (status, enrolment dates, role, cohort), '
            . 'one instance of each per course, create or update.',
        'type' => 'write',
        // enrol/self:config or enrol/guest:config, by method, in the course.
        'capabilities' => 'local/cooperare:provision, moodle/course:enrolconfig, enrol/self:config, enrol/guest:config',
        'ajax' => false,
    ],
    'local_cooperare_get_enrol_methods' => [
        'classname' => 'local_cooperare\external\get_enrol_methods',
        'description' => 'The self enrolment and guest access instances of courses, with what the plugin manages and '
            . 'whether they changed since.',
        'type' => 'read',
        'capabilities' => 'local/cooperare:provision, moodle/course:enrolreview',
        'ajax' => false,
    ],
    'local_cooperare_save_calendar_events' => [
        'classname' => 'local_cooperare\external\save_calendar_events',
        'description' => 'Create or update site and course calendar events keyed by the client\'s key (name, '
            . 'description, start, duration, visibility, owner).',
        'type' => 'write',
        // In the system context for site events, in the course context for course events.
        'capabilities' => 'local/cooperare:provision, moodle/calendar:manageentries',
        'ajax' => false,
    ],
    'local_cooperare_delete_calendar_events' => [
        'classname' => 'local_cooperare\external\delete_calendar_events',
        'description' => 'Delete calendar events written by this plugin, by key.',
        'type' => 'write',
        'capabilities' => 'local/cooperare:provision, moodle/calendar:manageentries',
        'ajax' => false,
    ],
    'local_cooperare_get_calendar_events' => [
        'classname' => 'local_cooperare\external\get_calendar_events',
        'description' => 'The calendar events written by this plugin in courses or the site, with drift.',
        'type' => 'read',
        'capabilities' => 'local/cooperare:provision, moodle/calendar:manageentries',
        'ajax' => false,
    ],
    'local_cooperare_get_bbb_attendance' => [
        'classname' => 'local_cooperare\external\get_bbb_attendance',
        'description' => 'The Join, Logout and Summary logs of one BigBlueButton activity (bigbluebuttonbn_logs), with '
            . 'the time present and engagement counts of each Summary, up to 5000 logs a call.',
        'type' => 'read',
        'capabilities' => 'local/cooperare:provision, moodle/site:viewreports',
        'ajax' => false,
    ],
    'local_cooperare_get_activity_counts' => [
        'classname' => 'local_cooperare\external\get_activity_counts',
        'description' => 'Per enrolled user of a course, up to 1000 a call: last access to the course and, over a '
            . 'period, activities completed, forum posts written and quiz attempts finished.',
        'type' => 'read',
        'capabilities' => 'local/cooperare:provision, moodle/site:viewreports',
        'ajax' => false,
    ],
];

$services = [
    'Cooperare (ACoR)' => [
        'shortname' => 'cooperare',
        'functions' => [
            // This plugin.
            'local_cooperare_describe_courses',
            'local_cooperare_save_sections',
            'local_cooperare_save_activities',
            'local_cooperare_delete_activities',
            'local_cooperare_save_questions',
            'local_cooperare_set_completion',
            'local_cooperare_save_cohort_sync',
            'local_cooperare_delete_cohort_sync',
            'local_cooperare_add_user_files',
            'local_cooperare_save_news_forum_staff',
            'local_cooperare_save_book_chapters',
            'local_cooperare_get_book_chapters',
            'local_cooperare_get_course_completions',
            'local_cooperare_get_site_setup',
            'local_cooperare_get_roles',
            'local_cooperare_publish_site',
            'local_cooperare_get_forum_posts',
            'local_cooperare_save_enrol_methods',
            'local_cooperare_get_enrol_methods',
            'local_cooperare_save_calendar_events',
            'local_cooperare_delete_calendar_events',
            'local_cooperare_get_calendar_events',
            'local_cooperare_get_bbb_attendance',
            'local_cooperare_get_activity_counts',
            // Core functions used by the cooperare tooling.
            'core_webservice_get_site_info',
            'core_course_create_categories',
            'core_course_get_categories',
            'core_course_update_categories',
            'core_course_create_courses',
            'core_course_update_courses',
            'core_course_get_courses_by_field',
            'core_course_get_contents',
            'core_user_create_users',
            'core_user_update_users',
            'core_user_get_users_by_field',
            'core_cohort_create_cohorts',
            'core_cohort_add_cohort_members',
            'core_cohort_delete_cohort_members',
            'core_cohort_get_cohort_members',
            'core_cohort_search_cohorts',
            'enrol_manual_enrol_users',
            'enrol_manual_unenrol_users',
            'core_enrol_get_enrolled_users',
            'core_enrol_get_course_enrolment_methods',
            'core_group_create_groups',
            'core_group_get_course_groups',
            'core_group_add_group_members',
            'core_group_delete_group_members',
            'core_group_get_group_members',
            'core_completion_get_course_completion_status',
            'core_completion_get_activities_completion_status',
            'gradereport_user_get_grade_items',
            'mod_quiz_get_quizzes_by_courses',
            'mod_quiz_get_user_best_grade',
            'mod_forum_get_forums_by_courses',
            // The consultation forum: a discussion per part, contributions read, answers posted back.
            'mod_forum_add_discussion',
            'mod_forum_get_forum_discussions',
            'mod_forum_get_discussion_posts',
            'mod_forum_add_discussion_post',
            // Feedback activities: the diagnostic questionnaire and the consultation forms are read back with the
            // first three; respondents (people of the roster, or simulated ones on a test site) answer with the others.
            'mod_feedback_get_feedbacks_by_courses',
            'mod_feedback_get_items',
            'mod_feedback_get_responses_analysis',
            'mod_feedback_launch_feedback',
            'mod_feedback_get_page_items',
            'mod_feedback_process_page',
            'core_user_add_user_private_files',
            'core_files_get_files',
            'core_message_send_instant_messages',
        ],
        'restrictedusers' => 1,
        'enabled' => 0,
        'uploadfiles' => 1,
        'downloadfiles' => 1,
    ],
];
